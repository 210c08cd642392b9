// The worker pass form: take the photo with the computer's camera instead of uploading a file.
// getUserMedia → a <video> preview → a <canvas> snapshot → a JPEG put into the form's own file input, so
// the server receives it exactly as an uploaded photo (and checks it the same way). No inline script (CSP).
(function () {
  const box = document.getElementById("webcam");
  if (!box) return;
  const input = document.querySelector("input[type=file][data-webcam-target]");
  const video = box.querySelector("video");
  const canvas = box.querySelector("canvas");
  const start = box.querySelector("[data-webcam-start]");
  const snap = box.querySelector("[data-webcam-snap]");
  const status = box.querySelector("[data-webcam-status]");
  if (!input || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof DataTransfer === "undefined") {
    box.hidden = true;
    return;
  }
  let stream = null;
  function stop() {
    if (stream) { stream.getTracks().forEach((t) => t.stop()); stream = null; }
    video.hidden = true; snap.disabled = true;
  }
  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
      video.srcObject = stream; video.hidden = false; snap.disabled = false;
      await video.play();
      status.textContent = "";
    } catch (err) {
      status.textContent = box.dataset.msgDenied;
    }
  });
  snap.addEventListener("click", () => {
    // a one-inch photo is 3:4 portrait: crop the middle of the frame
    const w = video.videoWidth, h = video.videoHeight;
    const cropW = Math.min(w, Math.round(h * 3 / 4));
    canvas.width = 300; canvas.height = 400;
    canvas.getContext("2d").drawImage(video, (w - cropW) / 2, 0, cropW, h, 0, 0, 300, 400);
    canvas.hidden = false;
    canvas.toBlob((blob) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], "webcam.jpg", { type: "image/jpeg" }));
      input.files = transfer.files;
      status.textContent = box.dataset.msgTaken;
      stop();
    }, "image/jpeg", 0.9);
  });
  window.addEventListener("pagehide", stop);
})();
