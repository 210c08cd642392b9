// The release slip's applicant signature (办证人): a pen on a canvas; the drawing is posted as PNG data
// (a data URL in the hidden field named by data-field) and kept as a file only staff can open.
(function () {
  const canvas = document.getElementById("signature-canvas");
  if (!canvas) return;
  const field = document.getElementById(canvas.dataset.field);
  const ctx = canvas.getContext("2d");
  let drawing = false, drawn = false, last = null;
  function reset() {
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = "#000"; ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round";
  }
  function point(ev) {
    const r = canvas.getBoundingClientRect();
    return [(ev.clientX - r.left) * canvas.width / r.width, (ev.clientY - r.top) * canvas.height / r.height];
  }
  function save() {
    if (drawn) field.value = canvas.toDataURL("image/png");
    const pad = document.querySelector("input[name=sign_mode][value=pad]");
    if (drawn && pad) pad.checked = true;
  }
  canvas.addEventListener("pointerdown", (ev) => {
    drawing = true; canvas.setPointerCapture(ev.pointerId); last = point(ev);
    ctx.beginPath(); ctx.arc(last[0], last[1], 1.5, 0, 2 * Math.PI); ctx.fill(); drawn = true;
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (!drawing) return;
    const p = point(ev);
    ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke(); last = p; drawn = true;
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach((t) => canvas.addEventListener(t, () => {
    if (drawing) { drawing = false; save(); }
  }));
  const clear = document.getElementById("signature-clear");
  if (clear) clear.addEventListener("click", () => { reset(); drawn = false; field.value = ""; });
  reset();
  if (field.value && field.value.startsWith("data:image/png;base64,")) {  // kept after a refused submit
    const img = new Image();
    img.addEventListener("load", () => { ctx.drawImage(img, 0, 0); drawn = true; });
    img.src = field.value;
  }
})();
