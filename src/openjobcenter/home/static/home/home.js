// Keeps the customer's home current: the chat socket's personal group says "something
// changed" ("home" from the services that change what is waiting, "updated" for a new
// chat message, "resync" after lost events); the list and the counts are then fetched
// again from a small endpoint. Without JavaScript the page is right on every reload.
const region = document.querySelector("[data-home-items]");

function setCounts(data) {
  for (const badge of document.querySelectorAll("[data-home-count]")) {
    const value = badge.querySelector("[data-home-count-value]");
    if (value) value.textContent = String(data.total);
    badge.hidden = data.total === 0;
  }
  for (const badge of document.querySelectorAll("[data-module-count]")) {
    const count = data.counts[badge.dataset.moduleCount] || 0;
    const value = badge.querySelector("[data-home-count-value]");
    if (value) value.textContent = String(count);
    badge.hidden = count === 0;
  }
}

if (region && "WebSocket" in window) {
  let backoff = 1000;
  let pending = null;

  async function refresh() {
    pending = null;
    const response = await fetch(region.dataset.homeItems, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const data = await response.json();
    const html = new DOMParser().parseFromString(data.html, "text/html");
    const fresh = html.querySelector("[data-home-items]");
    if (fresh) region.replaceChildren(...fresh.childNodes);
    setCounts(data);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/chat/`);
    socket.addEventListener("open", () => {
      // Anything that changed while the socket was away (first open included).
      if (backoff > 1000) refresh().catch(() => {});
      backoff = 1000;
    });
    socket.addEventListener("message", (event) => {
      let data = {};
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      const stale = data.type === "home" || data.type === "updated" || data.type === "resync";
      // A burst of events makes one fetch; a resync reaches many pages at once: spread.
      const delay = data.type === "resync" ? 300 + Math.random() * 1500 : 150;
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
