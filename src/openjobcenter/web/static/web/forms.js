// After a failed submit, move focus to the error summary so keyboard and screen-reader
// users start at the list of problems (GOV.UK pattern). Without JavaScript the summary
// is still announced through role="alert".
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
