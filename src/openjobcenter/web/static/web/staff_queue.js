// Keeps the staff start page's work queue current: the chat socket's team group says
// "queue" when something the queue counts changed in this job centre (no content, no
// names); the queue part is then fetched again through htmx (the element listens for
// "queue-changed" on the body). After lost events ("resync") or a reconnect it is fetched
// as well. Without the socket the 30-second poll keeps it current; without JavaScript a
// reload does.
const QUEUE = "#work-queue-items";

if (document.querySelector(QUEUE) && "WebSocket" in window) {
  let backoff = 1000;
  let pending = null;
  let last = 0;
  // At most one fetch every few seconds per page: a busy job centre sends many events (every
  // chat message is one), and every open start page would otherwise ask again each time.
  const MIN_GAP_MS = 3000;

  function refresh() {
    pending = null;
    last = Date.now();
    if (window.htmx && document.querySelector(QUEUE)) {
      window.htmx.trigger(document.body, "queue-changed");
    }
  }

  function later(delay) {
    // A burst of events (a document with many pages, a busy morning) makes one fetch.
    if (!pending) pending = setTimeout(refresh, Math.max(delay, last + MIN_GAP_MS - Date.now()));
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/chat/`);
    socket.addEventListener("open", () => {
      if (backoff > 1000) later(150); // what changed while the socket was away
      backoff = 1000;
    });
    socket.addEventListener("message", (event) => {
      let data = {};
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (data.type === "queue") later(150);
      // Lost events reach many pages at once: spread their fetches.
      else if (data.type === "resync") later(300 + Math.random() * 1500);
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
