// The waiting-room display: calls arrive on the socket (number and desk only), are put on
// top of the list and announced in the aria-live region; with "Aufrufe vorlesen" on, the
// browser's speech synthesis reads them aloud too. After any reconnect, and every 5 s while
// the socket is down, the current list is fetched again (delivery is best effort).
(() => {
  const root = document.querySelector("[data-display]");
  if (!root) return;
  const list = root.querySelector("[data-calls]");
  const latest = root.querySelector("[data-latest]");
  const announce = root.querySelector("[data-announce]");
  const speak = root.querySelector("[data-speak]");
  const template = (name) => root.querySelector(`[data-text-${name}]`).content.textContent.trim();
  let speaking = false;
  const lang = document.documentElement.lang || "de";

  function render(calls) {
    list.replaceChildren(
      ...calls.map((c) => {
        const row = document.createElement("tr");
        for (const value of [c.number, c.desk]) {
          const cell = document.createElement("td");
          cell.textContent = value;
          row.append(cell);
        }
        return row;
      }),
    );
    latest.replaceChildren();
    if (!calls.length) {
      latest.textContent = template("waiting");
      return;
    }
    const number = document.createElement("span");
    number.className = "display-number";
    number.textContent = calls[0].number;
    const arrow = document.createElement("span");
    arrow.className = "display-arrow";
    arrow.setAttribute("aria-hidden", "true");
    arrow.textContent = " → ";
    const desk = document.createElement("span");
    desk.className = "display-desk";
    desk.textContent = calls[0].desk;
    latest.append(number, arrow, desk);
  }

  let calls = Array.from(list.querySelectorAll("tr")).map((row) => ({
    number: row.cells[0].textContent,
    desk: row.cells[1].textContent,
  }));

  function called(call) {
    calls = [call, ...calls.filter((c) => c.id !== call.id && c.number !== call.number)].slice(0, 8);
    render(calls);
    const words = template("call").replace("{number}", call.number).replace("{desk}", call.desk);
    announce.textContent = words;
    root.dataset.lastCall = `${call.number}|${call.desk}|${call.count}`;
    if (speaking && "speechSynthesis" in window) {
      const utterance = new SpeechSynthesisUtterance(words);
      utterance.lang = lang;
      window.speechSynthesis.speak(utterance);
    }
  }

  async function reload() {
    const response = await fetch(root.dataset.poll, { headers: { Accept: "application/json" } });
    if (response.status === 404) {
      location.reload(); // the link was revoked: the page says so
      return;
    }
    if (!response.ok) return;
    const data = await response.json();
    calls = data.calls;
    render(calls);
  }

  if (speak) {
    speak.addEventListener("click", () => {
      speaking = !speaking;
      speak.setAttribute("aria-pressed", String(speaking));
    });
  }

  let backoff = 1000;
  let poller = null;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${root.dataset.socket}`);
    socket.addEventListener("open", () => {
      root.dataset.live = "1";
      if (poller) clearInterval(poller);
      poller = null;
      if (backoff > 1000) reload().catch(() => {});
      backoff = 1000;
    });
    socket.addEventListener("message", (event) => {
      let data = {};
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (data.type === "call") called(data);
    });
    socket.addEventListener("close", (event) => {
      root.dataset.live = "";
      if (event.code === 4403) {
        location.reload();
        return;
      }
      if (!poller) poller = setInterval(() => reload().catch(() => {}), 5000);
      setTimeout(connect, backoff * (0.5 + Math.random()));
      backoff = Math.min(backoff * 2, 30000);
    });
  }
  if ("WebSocket" in window) connect();
  else setInterval(() => reload().catch(() => {}), 3000);
})();
