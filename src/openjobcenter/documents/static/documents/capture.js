// Capture like a scanner: each photo is sent on its own to a draft (a page that failed on
// a flaky connection is retried alone, with backoff), the server's cleaned page is shown,
// pages can be reordered, retaken, removed and parts blacked out. Without this module the
// same form posts all files at once.

const form = document.getElementById("capture-form");

function csrfToken() {
  return form.querySelector("input[name=csrfmiddlewaretoken]").value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function sendWithRetry(url, body, onRetry, attempts = 4) {
  let delay = 1000;
  for (let i = 1; ; i += 1) {
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      if (response.status < 500 || i >= attempts) return response;
    } catch (error) {
      if (i >= attempts) throw error;
    }
    onRetry();
    await sleep(delay);
    delay *= 2;
  }
}

function setup() {
  if (!form) return;
  const msg = form.dataset;
  const input = form.querySelector("input[type=file]");
  const list = document.getElementById("capture-pages");
  const draftField = form.querySelector("input[name=draft]");
  const orderField = form.querySelector("input[name=order]");
  const redactionsField = form.querySelector("input[name=redactions]");
  const kindField = form.querySelector("[name=kind]");
  const pages = new Map(); // page id -> {card, rects}

  function button(label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button button-small button-secondary";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function renumber() {
    [...list.children].forEach((card, i) => {
      const title = card.querySelector(".capture-title");
      if (title) title.textContent = `${msg.msgPage} ${i + 1}`;
    });
  }

  function drawRect(frame, rect) {
    const box = document.createElement("div");
    box.className = "redaction-box";
    box.style.left = `${rect[0] * 100}%`;
    box.style.top = `${rect[1] * 100}%`;
    box.style.width = `${rect[2] * 100}%`;
    box.style.height = `${rect[3] * 100}%`;
    frame.appendChild(box);
    return box;
  }

  function enableRedaction(frame, entry) {
    let start = null;
    let box = null;
    const point = (event) => {
      const r = frame.getBoundingClientRect();
      return [
        Math.min(1, Math.max(0, (event.clientX - r.left) / r.width)),
        Math.min(1, Math.max(0, (event.clientY - r.top) / r.height)),
      ];
    };
    frame.addEventListener("pointerdown", (event) => {
      if (!frame.classList.contains("redacting")) return;
      event.preventDefault();
      frame.setPointerCapture(event.pointerId);
      start = point(event);
      box = drawRect(frame, [start[0], start[1], 0, 0]);
    });
    frame.addEventListener("pointermove", (event) => {
      if (!start) return;
      const [x, y] = point(event);
      const rect = [Math.min(x, start[0]), Math.min(y, start[1]), Math.abs(x - start[0]), Math.abs(y - start[1])];
      box.style.left = `${rect[0] * 100}%`;
      box.style.top = `${rect[1] * 100}%`;
      box.style.width = `${rect[2] * 100}%`;
      box.style.height = `${rect[3] * 100}%`;
      box.dataset.rect = JSON.stringify(rect);
    });
    frame.addEventListener("pointerup", () => {
      if (box && box.dataset.rect) {
        const rect = JSON.parse(box.dataset.rect);
        if (rect[2] > 0.005 && rect[3] > 0.005) entry.rects.push(rect);
        else box.remove();
      } else if (box) box.remove();
      start = null;
      box = null;
    });
  }

  function showPage(card, page) {
    const entry = pages.get(page.id) || { card, rects: [] };
    pages.set(page.id, entry);
    card.dataset.pageId = page.id;
    card.dataset.statusUrl = page.status_url;
    const status = card.querySelector(".capture-status");
    const body = card.querySelector(".capture-body");
    body.replaceChildren();
    if (page.state === "pending") {
      status.textContent = msg.msgWorking;
      setTimeout(() => poll(card), 1500);
      return;
    }
    if (page.state !== "ready") {
      card.classList.add("capture-error");
      status.textContent = page.message;
      return;
    }
    card.classList.remove("capture-error");
    status.textContent = "";
    if (page.is_pdf) {
      const p = document.createElement("p");
      p.textContent = `${msg.msgPdf}: ${page.name}`;
      body.appendChild(p);
      return;
    }
    const frame = document.createElement("div");
    frame.className = "capture-frame";
    const img = document.createElement("img");
    img.src = page.preview;
    img.alt = `${msg.msgPage}: ${page.name}`;
    img.draggable = false; // a drag of the image would cancel the pointer events
    frame.appendChild(img);
    body.appendChild(frame);
    entry.rects.forEach((r) => drawRect(frame, r));
    enableRedaction(frame, entry);
    if (page.suggested_kind && kindField && kindField.value !== page.suggested_kind) {
      const hint = document.createElement("p");
      hint.className = "capture-suggestion";
      hint.textContent = `${page.suggestion} `;
      hint.appendChild(
        button(msg.msgUseKind, () => {
          kindField.value = page.suggested_kind;
          hint.remove();
        }),
      );
      body.appendChild(hint);
    }
    const tools = document.createElement("div");
    tools.className = "button-group";
    const redact = button(msg.msgRedact, () => {
      frame.classList.toggle("redacting");
      redact.setAttribute("aria-pressed", frame.classList.contains("redacting"));
    });
    redact.setAttribute("aria-pressed", "false");
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = msg.msgRedactHint;
    tools.append(
      redact,
      button(msg.msgUndo, () => {
        entry.rects = [];
        frame.querySelectorAll(".redaction-box").forEach((b) => b.remove());
      }),
    );
    body.append(hint, tools);
  }

  async function poll(card) {
    try {
      const response = await fetch(card.dataset.statusUrl, { credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        showPage(card, data.page);
        return;
      }
    } catch (error) {
      // fall through: try again
    }
    setTimeout(() => poll(card), 3000);
  }

  async function removeCard(card) {
    const id = Number(card.dataset.pageId);
    if (id) {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken());
      await sendWithRetry(card.dataset.statusUrl, body, () => {});
      pages.delete(id);
    }
    card.remove();
    renumber();
  }

  function newCard(file) {
    const card = document.createElement("div");
    card.className = "capture-card";
    const title = document.createElement("h2");
    title.className = "capture-title";
    const status = document.createElement("p");
    status.className = "capture-status";
    status.setAttribute("role", "status");
    status.textContent = msg.msgWorking;
    const name = document.createElement("p");
    name.className = "hint";
    name.textContent = file.name;
    const body = document.createElement("div");
    body.className = "capture-body";
    const controls = document.createElement("div");
    controls.className = "button-group";
    controls.append(
      button(msg.msgUp, () => {
        if (card.previousElementSibling) list.insertBefore(card, card.previousElementSibling);
        renumber();
      }),
      button(msg.msgDown, () => {
        if (card.nextElementSibling) list.insertBefore(card.nextElementSibling, card);
        renumber();
      }),
      button(msg.msgRetake, async () => {
        await removeCard(card);
        input.click();
      }),
      button(msg.msgRemove, () => removeCard(card)),
    );
    card.append(title, name, status, body, controls);
    list.appendChild(card);
    renumber();
    return card;
  }

  let inFlight = 0;

  async function upload(file, card) {
    inFlight += 1;
    try {
      await uploadOnce(file, card);
    } finally {
      inFlight -= 1;
    }
  }

  async function uploadOnce(file, card) {
    const body = new FormData();
    body.append("file", file);
    body.append("kind", kindField ? kindField.value : "other");
    if (draftField.value) body.append("draft", draftField.value);
    const status = card.querySelector(".capture-status");
    try {
      const response = await sendWithRetry(msg.pageUrl, body, () => {
        status.textContent = msg.msgRetrying;
      });
      const data = await response.json();
      if (data.draft) draftField.value = data.draft;
      if (!response.ok) {
        card.classList.add("capture-error");
        status.textContent = data.error || msg.msgFailed;
        return;
      }
      showPage(card, data.page);
    } catch (error) {
      card.classList.add("capture-error");
      status.textContent = msg.msgFailed;
      card.querySelector(".button-group").prepend(
        button(msg.msgRetake, () => {
          card.classList.remove("capture-error");
          upload(file, card);
        }),
      );
    }
  }

  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = ""; // the pages travel one by one; the form must not send them again
    // One after the other: the draft exists after the first answer.
    for (const file of files) {
      await upload(file, newCard(file));
    }
  });

  const waitNote = document.createElement("p");
  waitNote.className = "capture-status";
  waitNote.setAttribute("role", "status");
  form.querySelector("button[type=submit]").before(waitNote);

  form.addEventListener("submit", (event) => {
    if (inFlight > 0) {
      event.preventDefault(); // a page is still on its way; sending now would lose it
      waitNote.textContent = msg.msgWait;
      return;
    }
    waitNote.textContent = "";
    if (!draftField.value) return;
    orderField.value = [...list.children].map((c) => c.dataset.pageId).filter(Boolean).join(",");
    const redactions = {};
    pages.forEach((entry, id) => {
      if (entry.rects.length) redactions[id] = entry.rects;
    });
    redactionsField.value = JSON.stringify(redactions);
  });
}

setup();
