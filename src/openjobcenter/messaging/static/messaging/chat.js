// Real-time chat on top of the plain form (which keeps working without JavaScript).
// Protocol: docs/websocket-protocol.md. Messages typed while offline wait in
// localStorage and are sent (with their client id, so never twice) when the
// connection returns; after a reconnect the missed messages come with the cursor, and
// so they do when the server says it lost events ("resync") or a message's "prev" is
// one this window never got (a gap): the window asks for everything after its cursor.
const root = document.querySelector("[data-chat]");
const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING = ".,;:!?)]}";
// Typing: tell the other side at most every 3 s while typing; show their indicator until
// 6 s pass without a further event (two missed frames) or their message arrives.
const TYPING_SEND_EVERY_MS = 3000;
const TYPING_SHOW_FOR_MS = 6000;
// After a "resync" every window of a process asks at once: spread over this long.
const RESYNC_SPREAD_MS = 1500;

function appendText(parent, text) {
  // Plain text with http(s) links made clickable; never HTML.
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    if (index > 0) parent.appendChild(document.createElement("br"));
    let pos = 0;
    for (const match of line.matchAll(URL_RE)) {
      let url = match[0];
      let trail = "";
      while (url && TRAILING.includes(url[url.length - 1])) {
        trail = url[url.length - 1] + trail;
        url = url.slice(0, -1);
      }
      parent.appendChild(document.createTextNode(line.slice(pos, match.index)));
      let safe = null;
      try {
        const parsed = new URL(url);
        if (parsed.protocol === "http:" || parsed.protocol === "https:") safe = parsed.href;
      } catch (e) {
        safe = null;
      }
      if (safe) {
        const a = document.createElement("a");
        a.href = safe;
        a.rel = "noopener noreferrer nofollow";
        a.target = "_blank";
        a.textContent = url;
        parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(url));
      }
      parent.appendChild(document.createTextNode(trail));
      pos = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(line.slice(pos)));
  });
}

function newClientId() {
  // crypto.randomUUID needs a secure context; getRandomValues works everywhere.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

if (root) {
  const conversation = Number(root.dataset.conversation);
  const side = root.dataset.side;
  const log = root.querySelector("[data-chat-log]");
  const form = root.querySelector("[data-chat-form]");
  const textarea = form.querySelector("textarea");
  const fileInput = form.querySelector("input[type=file]");
  const statusEl = root.querySelector("[data-chat-status]");
  const receipt = root.querySelector("[data-chat-receipt]");
  const typingEl = root.querySelector("[data-chat-typing]");
  const announceEl = root.querySelector("[data-chat-announce]");
  const queueKey = `ojc-chat-queue-${conversation}`;
  // Times as the page prints them: the job centre's time zone, not the device's, and
  // date and time side by side ("26.11.2026 10:53").
  const lang = document.documentElement.lang || undefined;
  let dateFormat;
  let clockFormat;
  try {
    const zone = { timeZone: root.dataset.timeZone || undefined };
    dateFormat = new Intl.DateTimeFormat(lang, { ...zone, day: "2-digit", month: "2-digit", year: "numeric" });
    clockFormat = new Intl.DateTimeFormat(lang, { ...zone, hour: "2-digit", minute: "2-digit" });
  } catch (e) {
    dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: "short" });
    clockFormat = new Intl.DateTimeFormat(lang, { timeStyle: "short" });
  }
  let lastId = Number(root.dataset.lastId || 0);
  // The cursor: this window has every message up to here (lastId may be ahead of it
  // when a later message came before a lost one). Asking "after syncedId" fills gaps.
  let syncedId = lastId;
  let syncTimer = null;
  let lastOwnId = 0;
  let socket = null;
  let backoff = 1000;
  let subscribed = false;
  let typingSentAt = -Infinity;
  let typingTimer = null;
  const seen = new Set([...log.querySelectorAll("[data-id]")].map((li) => Number(li.dataset.id)));
  log.querySelectorAll("[data-id]").forEach((li) => {
    if (li.dataset.side === side) lastOwnId = Math.max(lastOwnId, Number(li.dataset.id));
  });

  const loadQueue = () => {
    try {
      return JSON.parse(localStorage.getItem(queueKey) || "[]");
    } catch (e) {
      return [];
    }
  };
  const saveQueue = (queue) => localStorage.setItem(queueKey, JSON.stringify(queue));

  function label(name) {
    return root.dataset[`label${name[0].toUpperCase()}${name.slice(1)}`] || "";
  }

  function showTyping() {
    if (!typingEl) return;
    // The element is a live region: its text is set only when it appears, so a screen
    // reader announces it once and not again with every further typing event.
    if (!typingEl.textContent) typingEl.textContent = label("typing");
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_SHOW_FOR_MS);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    typingTimer = null;
    if (typingEl) typingEl.textContent = "";
  }

  function sendTyping() {
    if (!subscribed || !socket || socket.readyState !== WebSocket.OPEN) return;
    if (!textarea.value.trim()) return;
    const now = performance.now();
    if (now - typingSentAt < TYPING_SEND_EVERY_MS) return;
    typingSentAt = now;
    socket.send(JSON.stringify({ type: "typing", conversation }));
  }

  // What arrives from the other side is read out by screen readers (WCAG 4.1.3), once:
  // the log itself is not a live region, or one's own messages would be read twice.
  function announce(message) {
    if (!announceEl || message.side === side) return;
    const who = label(message.side === "system" ? (message.notice ? "notice" : "system") : message.side);
    const what = message.body || (message.attachment ? attachmentText(message.attachment) : "");
    announceEl.textContent = `${who}: ${what}`;
  }

  // An attachment this person may not read (need-to-know) comes without name or link,
  // flagged ``protected``: the page says so in words, as the server-rendered log does.
  function attachmentText(attachment) {
    if (attachment.protected) return label("protected");
    return `${label("attachment")}: ${attachment.name || label("file")}`;
  }

  function render(message) {
    if (seen.has(message.id)) return false;
    seen.add(message.id);
    const pending = message.client_id
      ? log.querySelector(`[data-client-id="${CSS.escape(message.client_id)}"]`)
      : null;
    if (pending) pending.remove();
    const li = document.createElement("li");
    li.className = `chat-message chat-${message.side}`;
    li.dataset.id = String(message.id);
    li.dataset.side = message.side;
    const meta = document.createElement("p");
    meta.className = "chat-meta";
    let who = label(
      message.side === "system" ? (message.notice ? "notice" : "system") : message.side === side ? "you" : message.side,
    );
    if (side === "staff" && message.side === "staff" && message.author) who += ` (${message.author})`;
    // Written in the customer's name by their representative: both sides say who.
    if (message.representative) who += ` · ${label("representative").replace("{name}", message.representative)}`;
    const time = document.createElement("time");
    time.dateTime = message.created_at;
    const at = new Date(message.created_at);
    time.textContent = `${dateFormat.format(at)} ${clockFormat.format(at)}`;
    meta.append(`${who} · `, time);
    li.appendChild(meta);
    if (message.side === "system" && !message.notice) {
      const auto = document.createElement("p");
      auto.className = "chat-body";
      auto.textContent = label("auto");
      li.appendChild(auto);
    }
    if (message.body) {
      const body = document.createElement("p");
      body.className = "chat-body";
      body.dir = "auto"; // a Latin name in Farsi text, an Arabic one in German
      appendText(body, message.body);
      li.appendChild(body);
    }
    if (message.attachment && message.attachment.protected) {
      const para = document.createElement("p");
      para.className = "attachment-hidden";
      para.dataset.attachmentHidden = "";
      para.textContent = attachmentText(message.attachment);
      li.appendChild(para);
    } else if (message.attachment) {
      // The same link the page renders: the attachment view checks who may open it.
      const para = document.createElement("p");
      const link = document.createElement("a");
      link.href = root.dataset.attachmentUrl.replace(/\/0\/$/, `/${message.id}/`);
      link.textContent = attachmentText(message.attachment);
      para.appendChild(link);
      li.appendChild(para);
    }
    // Keep the log in id order even if events arrive out of order.
    const after = [...log.querySelectorAll("[data-id]")].find((el) => Number(el.dataset.id) > message.id);
    log.insertBefore(li, after || log.querySelector("[data-client-id]") || null);
    lastId = Math.max(lastId, message.id);
    if (message.side === side) lastOwnId = Math.max(lastOwnId, message.id);
    else markRead();
    if (message.side !== side && message.side !== "system") hideTyping();
    receipt.textContent = "";
    return true;
  }

  function renderPending(item) {
    const li = document.createElement("li");
    li.className = `chat-message chat-${side} chat-pending`;
    li.dataset.clientId = item.client_id;
    const meta = document.createElement("p");
    meta.className = "chat-meta";
    meta.textContent = `${label("you")} · ${label("queued")}`;
    const body = document.createElement("p");
    body.className = "chat-body";
    body.dir = "auto";
    appendText(body, item.body);
    li.append(meta, body);
    log.appendChild(li);
  }

  function markRead() {
    if (document.visibilityState === "visible" && subscribed && socket) {
      socket.send(JSON.stringify({ type: "read", conversation, upto: lastId }));
    }
  }

  // Ask for everything after the cursor (once, however many reasons come together).
  function requestSync(delay) {
    if (syncTimer !== null) return;
    syncTimer = setTimeout(() => {
      syncTimer = null;
      if (subscribed && socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "sync", conversation, cursor: syncedId }));
      }
    }, delay);
  }

  function flush() {
    if (!subscribed) return;
    for (const item of loadQueue()) {
      socket.send(JSON.stringify({ type: "send", conversation, client_id: item.client_id, body: item.body }));
    }
  }

  function handle(data) {
    if (data.type === "subscribed" && data.conversation === conversation) {
      subscribed = true;
      statusEl.textContent = label("online");
      if (data.reset) {
        log.querySelectorAll("[data-id]").forEach((li) => li.remove());
        seen.clear();
        syncedId = 0;
      }
      // What came from the other side while this window missed it (a reconnect, a
      // resync): announced as one line, the last of it.
      const theirs = data.messages.filter(render).filter((m) => m.side !== side);
      if (theirs.length && !data.reset) announce(theirs[theirs.length - 1]);
      const newest = data.messages.length ? data.messages[data.messages.length - 1].id : 0;
      if (data.more) {
        syncedId = Math.max(syncedId, newest);
        requestSync(0); // more than one page was missed: the next one
      } else {
        syncedId = Math.max(syncedId, newest, data.last_id);
      }
      updateReceipt(data.read.staff_delivered, data.read.staff, data.read.customer);
      flush();
      markRead();
    } else if (data.type === "message" && data.conversation === conversation) {
      if (render(data.message)) announce(data.message);
      if (data.prev == null || data.prev <= syncedId) syncedId = Math.max(syncedId, data.message.id);
      else requestSync(0); // the one before it never came
    } else if (data.type === "resync" && (data.conversation == null || data.conversation === conversation)) {
      // The server lost events: fetch what is missing (spread, as every window asks).
      requestSync(Math.random() * RESYNC_SPREAD_MS);
    } else if (data.type === "typing" && data.conversation === conversation) {
      // Only the other side: a colleague (or one's own other tab) typing is no news here.
      if (data.side !== side) showTyping();
    } else if (data.type === "ack") {
      saveQueue(loadQueue().filter((item) => item.client_id !== data.client_id));
    } else if (data.type === "read" && data.conversation === conversation) {
      if (side === "customer" && data.side === "staff") updateReceipt(0, data.upto, 0);
      if (side === "customer" && data.side === "staff_delivered") updateReceipt(data.upto, 0, 0);
      if (side === "staff" && data.side === "customer") updateReceipt(0, 0, data.upto);
    } else if (data.type === "error") {
      statusEl.textContent = data.message;
      if (data.client_id && data.code !== "rate_limited") {
        // Refused for good (empty, too long): drop it from the queue, show why.
        saveQueue(loadQueue().filter((item) => item.client_id !== data.client_id));
      } else if (data.code === "rate_limited") {
        setTimeout(flush, (data.retry_after || 5) * 1000);
      }
    }
  }

  function updateReceipt(delivered, readByStaff, readByCustomer) {
    if (!lastOwnId) return;
    if (side === "customer") {
      if (readByStaff >= lastOwnId) receipt.textContent = label("read");
      else if (delivered >= lastOwnId && receipt.textContent !== label("read")) receipt.textContent = label("delivered");
    } else if (readByCustomer >= lastOwnId) {
      receipt.textContent = label("read");
    }
  }

  // Fallback when WebSockets never get through (a proxy that blocks them): long polling
  // over the same history, and sending through the API, with the same queue and ids.
  let mode = "ws";
  let failures = 0;
  let everOpen = false;

  function csrfToken() {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function sendOverHttp(item) {
    const response = await fetch(root.dataset.sendUrl, {
      method: "POST",
      credentials: "same-origin",
      // A representative's page acts for the customer it shows (the API checks the mandate).
      headers: Object.assign(
        { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        root.dataset.actingFor ? { "X-Acting-For": root.dataset.actingFor } : {},
      ),
      body: JSON.stringify({ body: item.body, client_id: item.client_id }),
    });
    if (response.status === 201) {
      saveQueue(loadQueue().filter((queued) => queued.client_id !== item.client_id));
      render(await response.json());
    } else if (response.status === 422 || response.status === 429) {
      const data = await response.json();
      statusEl.textContent = typeof data.detail === "string" ? data.detail : data.detail[0].msg;
      if (response.status === 422) saveQueue(loadQueue().filter((queued) => queued.client_id !== item.client_id));
    }
  }

  async function flushOverHttp() {
    for (const item of loadQueue()) await sendOverHttp(item);
  }

  async function poll() {
    let wait = 0; // the first answer at once (to show the state), then wait for news
    while (mode === "poll") {
      try {
        const response = await fetch(`${root.dataset.pollUrl}?after=${syncedId}&wait=${wait}`, { credentials: "same-origin" });
        wait = 25;
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        statusEl.textContent = label("online");
        if (data.reset) {
          log.querySelectorAll("[data-id]").forEach((li) => li.remove());
          seen.clear();
          syncedId = 0;
        }
        for (const message of data.messages) if (render(message)) announce(message);
        // Not lastId: one's own message sent over HTTP may be newer than one not yet polled.
        if (data.messages.length) syncedId = Math.max(syncedId, data.messages[data.messages.length - 1].id);
        await flushOverHttp();
      } catch (e) {
        statusEl.textContent = label("offline");
        await new Promise((resolve) => setTimeout(resolve, 5000));
      }
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/chat/`);
    socket.addEventListener("open", () => {
      backoff = 1000;
      everOpen = true;
      failures = 0;
      socket.send(JSON.stringify({ type: "subscribe", conversation, cursor: syncedId }));
    });
    socket.addEventListener("message", (event) => {
      try {
        handle(JSON.parse(event.data));
      } catch (e) {
        /* ignore a frame we do not understand */
      }
    });
    socket.addEventListener("close", (event) => {
      subscribed = false;
      hideTyping();
      // 4401: the session has ended (logout, idle or absolute time). The page shows the
      // login; messages still queued stay in localStorage for after it.
      if (event.code === 4401) {
        location.reload();
        return;
      }
      failures += 1;
      if (!everOpen && failures >= 3 && root.dataset.pollUrl) {
        mode = "poll";
        poll();
        return;
      }
      statusEl.textContent = label("offline");
      // Spread out, so that clients cut off together do not all come back together.
      setTimeout(connect, backoff * (0.5 + Math.random()));
      backoff = Math.min(backoff * 2, 30000);
    });
  }

  form.addEventListener("submit", (event) => {
    // With a file the plain form post does the upload; text goes over the socket.
    if (fileInput && fileInput.files.length) return;
    const body = textarea.value.trim();
    if (!body) return;
    event.preventDefault();
    const item = { client_id: newClientId(), body };
    saveQueue([...loadQueue(), item]);
    renderPending(item);
    textarea.value = "";
    if (subscribed) socket.send(JSON.stringify({ type: "send", conversation, client_id: item.client_id, body }));
    else if (mode === "poll" && navigator.onLine) sendOverHttp(item).catch(() => {});
  });

  textarea.addEventListener("input", sendTyping);
  document.addEventListener("visibilitychange", markRead);
  window.addEventListener("online", () => {
    if (socket && socket.readyState === WebSocket.CLOSED) connect();
  });
  loadQueue().forEach(renderPending);
  if ("WebSocket" in window) connect();
  else if (root.dataset.pollUrl) {
    mode = "poll";
    poll();
  }
}
