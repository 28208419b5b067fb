// The explainer-video player: native <video> with our own keyboard-operable controls,
// captions, playback speed, chapters and privacy-free progress beacons (no third parties).
const SPEEDS = [0.75, 1, 1.25, 1.5];
const MILESTONES = [25, 50, 75, 100];

function fmt(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function beacon(figure, event) {
  const body = new URLSearchParams({ event });
  fetch(figure.dataset.beacon, {
    method: "POST",
    body,
    keepalive: true,
    credentials: "same-origin",
    headers: { "X-CSRFToken": figure.dataset.csrf },
  }).catch(() => {});
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "button button-small button-secondary";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function enhance(figure) {
  if (figure.dataset.ready) return;
  figure.dataset.ready = "1";
  const video = figure.querySelector("video");
  const strings = figure.dataset;
  const track = video.textTracks[0];
  const bar = document.createElement("div");
  bar.className = "ojc-controls";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", strings.controls || "Steuerung");

  const play = button(strings.play || "Abspielen", () => (video.paused ? video.play() : video.pause()));
  const sync = () => { play.textContent = video.paused ? (strings.play || "Abspielen") : (strings.pause || "Pause"); };
  video.addEventListener("play", sync);
  video.addEventListener("pause", sync);

  const seek = document.createElement("input");
  seek.type = "range";
  seek.min = "0";
  seek.step = "1";
  seek.value = "0";
  seek.setAttribute("aria-label", strings.position || "Position");
  const time = document.createElement("span");
  time.className = "ojc-time";
  // Times are numbers: "0:05 / 1:00" reads left to right on a right-to-left page too.
  time.dir = "ltr";
  const update = () => {
    seek.max = String(Math.round(video.duration || Number(figure.dataset.duration) || 0));
    seek.value = String(Math.round(video.currentTime));
    const text = `${fmt(video.currentTime)} / ${fmt(video.duration || Number(figure.dataset.duration))}`;
    time.textContent = text;
    seek.setAttribute("aria-valuetext", text);
  };
  seek.addEventListener("input", () => { video.currentTime = Number(seek.value); });
  video.addEventListener("timeupdate", update);
  video.addEventListener("loadedmetadata", update);
  bar.append(play, seek, time);

  if (track) {
    const cc = button(strings.captions || "Untertitel", () => {
      track.mode = track.mode === "showing" ? "hidden" : "showing";
      cc.setAttribute("aria-pressed", String(track.mode === "showing"));
    });
    const on = video.querySelector("track")?.hasAttribute("default");
    track.mode = on ? "showing" : "hidden";
    cc.setAttribute("aria-pressed", String(Boolean(on)));
    bar.append(cc);
  }

  const speedLabel = document.createElement("label");
  speedLabel.textContent = `${strings.speed || "Tempo"} `;
  const speed = document.createElement("select");
  for (const s of SPEEDS) {
    const o = document.createElement("option");
    o.value = String(s);
    o.textContent = `${String(s).replace(".", ",")}×`;
    if (s === 1) o.selected = true;
    speed.append(o);
  }
  speed.addEventListener("change", () => { video.playbackRate = Number(speed.value); });
  speedLabel.append(speed);
  bar.append(speedLabel);

  video.removeAttribute("controls");
  video.tabIndex = 0;
  video.addEventListener("click", () => (video.paused ? video.play() : video.pause()));
  // The seek slider follows the page's direction (on a right-to-left page its start is on
  // the right and the left arrow moves forward, as the browser's own slider does and the
  // WAI-ARIA slider pattern asks); the arrows on the video itself do the same.
  const rtl = () => getComputedStyle(bar).direction === "rtl";
  video.addEventListener("keydown", (e) => {
    if (e.key === " " || e.key === "k") { e.preventDefault(); video.paused ? video.play() : video.pause(); }
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      const forward = (e.key === "ArrowRight") !== rtl();
      video.currentTime = Math.max(0, video.currentTime + (forward ? 5 : -5));
    }
  });
  figure.querySelector("figcaption").before(bar);

  for (const chapter of figure.querySelectorAll("[data-seek]")) {
    chapter.addEventListener("click", () => { video.currentTime = Number(chapter.dataset.seek); video.play(); });
  }

  const sent = new Set();
  video.addEventListener("play", () => { if (!sent.has(0)) { sent.add(0); beacon(figure, "started"); } });
  video.addEventListener("timeupdate", () => {
    if (!video.duration) return;
    const pct = (video.currentTime / video.duration) * 100;
    for (const m of MILESTONES) {
      if (pct >= m - (m === 100 ? 1 : 0) && !sent.has(m)) { sent.add(m); beacon(figure, String(m)); }
    }
  });
  video.addEventListener("ended", () => { if (!sent.has(100)) { sent.add(100); beacon(figure, "100"); } });
  update();
}

for (const figure of document.querySelectorAll(".ojc-player")) enhance(figure);
