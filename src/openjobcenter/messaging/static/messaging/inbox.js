// Keeps a conversation list (customer list, staff inbox) current: the socket's personal
// group says "something changed" (never what); the list is then fetched again, also
// after a "resync" (the server lost events while Redis was away).
const region = document.querySelector("[data-inbox]");

if (region && "WebSocket" in window) {
  const status = document.querySelector("[data-inbox-status]");
  let backoff = 1000;
  let pending = null;

  async function refresh() {
    pending = null;
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const html = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = html.querySelector("[data-inbox]");
    if (fresh) {
      region.replaceChildren(...fresh.childNodes);
      if (status) status.textContent = status.dataset.labelUpdated;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/chat/`);
    socket.addEventListener("open", () => {
      backoff = 1000;
    });
    socket.addEventListener("message", (event) => {
      let data = {};
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      // Several events in a burst make one reload. "resync": the server lost events
      // (Redis was away), so some "updated" may never have come.
      // A resync reaches every open page of a process at once: spread their reloads.
      const delay = data.type === "resync" ? 300 + Math.random() * 1500 : 300;
      const stale = data.type === "updated" || data.type === "resync";
      if (stale && !pending) pending = setTimeout(() => refresh().catch(() => {}), delay);
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4401) {
        location.reload(); // the session has ended: the page shows the login
        return;
      }
      setTimeout(connect, backoff * (0.5 + Math.random()));
      backoff = Math.min(backoff * 2, 30000);
    });
  }

  connect();
}
