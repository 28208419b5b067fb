// Registers the service worker and, when asked, this device for Web Push.
const root = document.querySelector("[data-push]");

function urlBase64ToUint8Array(base64) {
  const padding = "=".repeat((4 - (base64.length % 4)) % 4);
  const raw = atob((base64 + padding).replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from([...raw].map((c) => c.charCodeAt(0)));
}

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function subscribe(status) {
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    status.textContent = root.dataset.msgDenied;
    return;
  }
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: urlBase64ToUint8Array(root.dataset.vapidKey),
  });
  const json = subscription.toJSON();
  const response = await fetch(root.dataset.endpoint, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth }),
  });
  status.textContent = response.ok ? root.dataset.msgOk : root.dataset.msgFailed;
}

if (root) {
  const button = root.querySelector("button");
  const status = root.querySelector("[role=status]");
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    status.textContent = root.dataset.msgUnsupported;
  } else {
    button.hidden = false;
    button.addEventListener("click", () => {
      subscribe(status).catch(() => {
        status.textContent = root.dataset.msgFailed;
      });
    });
  }
}
