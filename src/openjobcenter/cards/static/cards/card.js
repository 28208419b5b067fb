/* The card page works offline once opened: register the site's service worker (scope
   "/"), which keeps this page and its assets (and nothing else) in its card cache. */
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
const note = document.querySelector("[data-card-offline]");
const update = () => {
  if (note) note.hidden = navigator.onLine;
};
window.addEventListener("online", update);
window.addEventListener("offline", update);
update();
