// The admin's video page: polls the conversion's progress and reloads when it is done.
for (const box of document.querySelectorAll(".video-state[data-status-url]")) {
  if (!["pending", "processing"].includes(box.dataset.state)) continue;
  const label = box.querySelector(".video-state-label");
  const bar = box.querySelector("progress");
  const poll = async () => {
    try {
      const r = await fetch(box.dataset.statusUrl, { credentials: "same-origin" });
      if (r.ok) {
        const s = await r.json();
        if (bar) { bar.value = s.progress; bar.textContent = `${s.progress} %`; }
        label.textContent = s.state === "processing" ? `${s.label} (${s.progress} %)` : s.label;
        if (s.state === "ready" || s.state === "failed" || s.retry) { window.location.reload(); return; }
      }
    } catch (e) { /* offline for a moment: try again */ }
    setTimeout(poll, 1500);
  };
  setTimeout(poll, 1000);
}
