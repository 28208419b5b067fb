// Staff page viewer: zoom in and out, rotate (display only; the stored file is unchanged).
for (const viewer of document.querySelectorAll("[data-viewer]")) {
  const img = viewer.querySelector("img");
  const tools = viewer.previousElementSibling;
  if (!img || !tools) continue;
  let zoom = 0.75;
  let rotation = 0;
  const apply = () => {
    img.width = Math.round(img.naturalWidth * zoom);
    const w = img.width;
    const h = img.height;
    img.style.transform = rotation ? `rotate(${rotation}deg)` : "";
    // A quarter turn swaps width and height: margins make room for the turned page.
    const quarter = rotation % 180 !== 0;
    img.style.marginBlock = quarter ? `${(w - h) / 2}px` : "0";
    img.style.marginInline = quarter ? `${(h - w) / 2}px` : "auto";
    img.dataset.rotation = String(rotation);
  };
  tools.hidden = false;
  tools.querySelector("[data-zoom-in]").addEventListener("click", () => {
    zoom = Math.min(4, zoom * 1.25);
    apply();
  });
  tools.querySelector("[data-zoom-out]").addEventListener("click", () => {
    zoom = Math.max(0.25, zoom / 1.25);
    apply();
  });
  tools.querySelector("[data-rotate]").addEventListener("click", () => {
    rotation = (rotation + 90) % 360;
    apply();
  });
  if (img.complete) apply();
  else img.addEventListener("load", apply);
}
