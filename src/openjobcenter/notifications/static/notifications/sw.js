/* Service worker of OpenJobcenter (scope "/"): shows Web Push notifications, and keeps
   the customer card page available offline.
   A push carries only a fixed title, a fixed sentence and a link: never content.
   The card cache holds only the card page (/<jc>/mein-bereich/kundenkarte/) and the
   static files that page loads; no other personal page is ever cached. It is emptied
   when the person logs out, and whenever the card page answers with anything but the
   card (logged out elsewhere, card switched off). */
const CARD_CACHE = "ojc-card-v1";
const CARD_PAGE = /^\/[a-z0-9-]+\/mein-bereich\/kundenkarte\/$/;
const LOGOUT = "/konto/logout/";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function isCardPage(url) {
  return url.origin === self.location.origin && CARD_PAGE.test(url.pathname) && !url.search;
}

function isCardAsset(request, url) {
  if (url.origin !== self.location.origin || request.method !== "GET") return false;
  if (!["style", "script", "image", "font"].includes(request.destination)) return false;
  let from;
  try {
    from = new URL(request.referrer);
  } catch (e) {
    return false;
  }
  return isCardPage(from) || from.pathname.startsWith("/static/");
}

async function cardPage(request) {
  const cache = await caches.open(CARD_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      await cache.put(request.url, response.clone());
    } else {
      await caches.delete(CARD_CACHE);
    }
    return response;
  } catch (e) {
    const cached = await cache.match(request.url, { ignoreVary: true });
    if (cached) return cached;
    throw e;
  }
}

async function cardAsset(request) {
  const cache = await caches.open(CARD_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request.url, response.clone());
    return response;
  } catch (e) {
    const cached = await cache.match(request.url, { ignoreVary: true });
    if (cached) return cached;
    throw e;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === LOGOUT) {
    // Empty the card cache before the logout leaves the device.
    event.respondWith(caches.delete(CARD_CACHE).then(() => fetch(request)));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && isCardPage(url)) {
    event.respondWith(cardPage(request));
  } else if (isCardAsset(request, url)) {
    event.respondWith(cardAsset(request));
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "ojc-logout") event.waitUntil(caches.delete(CARD_CACHE));
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  const title = typeof data.title === "string" ? data.title : "OpenJobcenter";
  const url = typeof data.url === "string" && data.url.startsWith("/") ? data.url : "/";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === "string" ? data.body : "",
      data: { url },
      icon: "/static/web/favicon.svg",
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((list) => {
      for (const client of list) {
        if (new URL(client.url).pathname === url && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(url);
    }),
  );
});
