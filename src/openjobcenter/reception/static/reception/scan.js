// Reception's scan page: the QR code of a customer card from the device camera (the
// browser's BarcodeDetector where there is one, else the bundled jsQR), from a photo, or
// from a USB hand scanner (a keyboard: it types into the focused field and ends with
// Enter, which submits the form like a typed customer number). Whatever is read goes into
// the field and the form is sent; the server decides who it is.
(() => {
  const form = document.querySelector("[data-scan-form]");
  if (!form) return;
  const field = form.querySelector("#code");
  const status = document.querySelector("[data-camera-status]");
  const video = document.querySelector("[data-camera-video]");
  const start = document.querySelector("[data-camera-start]");
  const stop = document.querySelector("[data-camera-stop]");
  const file = document.querySelector("[data-qr-file]");
  const text = (name) => {
    const t = document.querySelector(`[data-text-${name}]`);
    return t ? t.content.textContent.trim() : "";
  };
  let detector = null;
  if ("BarcodeDetector" in window) {
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (e) {
      detector = null;
    }
  }
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  async function decode(source, width, height) {
    if (detector) {
      try {
        const found = await detector.detect(source);
        if (found.length) return found[0].rawValue;
      } catch (e) {
        // fall through to jsQR
      }
    }
    if (!window.jsQR || !width || !height) return null;
    canvas.width = width;
    canvas.height = height;
    context.drawImage(source, 0, 0, width, height);
    const image = context.getImageData(0, 0, width, height);
    const code = window.jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
    return code ? code.data : null;
  }

  function submit(value) {
    field.value = value;
    stopCamera();
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  let stream = null;
  let running = false;

  function stopCamera() {
    running = false;
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    if (video) video.hidden = true;
    if (start) start.hidden = false;
    if (stop) stop.hidden = true;
  }

  async function tick() {
    if (!running) return;
    if (video.readyState >= 2) {
      const value = await decode(video, video.videoWidth, video.videoHeight);
      if (value) {
        submit(value);
        return;
      }
    }
    setTimeout(tick, 150);
  }

  if (start && video) {
    start.addEventListener("click", async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: "environment" },
          audio: false,
        });
      } catch (e) {
        status.textContent = text("nocamera");
        return;
      }
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      stop.hidden = false;
      await video.play();
      status.textContent = text("reading");
      running = true;
      tick();
    });
  }
  if (stop) stop.addEventListener("click", stopCamera);

  if (file) {
    file.addEventListener("change", async () => {
      const chosen = file.files && file.files[0];
      if (!chosen) return;
      const bitmap = await createImageBitmap(chosen);
      const value = await decode(bitmap, bitmap.width, bitmap.height);
      if (value) submit(value);
      else status.textContent = text("notfound");
    });
  }

  // A hand scanner types faster than a person; Enter submits the form by itself. Keep the
  // field focused so the next card can be scanned without a click.
  if (!document.querySelector("[data-scan-result]") && !document.querySelector("[data-reception-error]")) {
    field.focus();
  }
})();
