// The feedback widget answers a refused write (too long, too many) with 400/429 and a
// message in place; htmx swaps no error answer by default, so let these through.
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (target && target.closest && target.closest("[data-feedback]")) {
    const status = event.detail.xhr.status;
    if (status === 400 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  }
});
document.addEventListener("htmx:afterSwap", (event) => {
  const message = event.detail.target && event.detail.target.querySelector
    ? event.detail.target.querySelector("[data-feedback] [tabindex='-1']")
    : null;
  const own = document.querySelector("[data-feedback] p[tabindex='-1']");
  (message || own)?.focus();
});
