// The engineer's completion page: the owner's signature pad.
// The signature is kept as an SVG path ("M x y L x y …") in a 600×200 box: small, and printable as is.
(function () {
  const canvas = document.getElementById("signature-pad");
  if (!canvas) return;
  const field = document.getElementById(canvas.dataset.field);
  const ctx = canvas.getContext("2d");
  ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round";
  let path = field.value || "", drawing = false;
  function point(ev) {
    const r = canvas.getBoundingClientRect();
    return [Math.round((ev.clientX - r.left) * canvas.width / r.width), Math.round((ev.clientY - r.top) * canvas.height / r.height)];
  }
  function redraw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (path) { ctx.stroke(new Path2D(path)); }
  }
  canvas.addEventListener("pointerdown", (ev) => { drawing = true; canvas.setPointerCapture(ev.pointerId); const [x, y] = point(ev); path += (path ? " " : "") + "M" + x + " " + y; });
  canvas.addEventListener("pointermove", (ev) => { if (!drawing) return; const [x, y] = point(ev); path += " L" + x + " " + y; redraw(); });
  ["pointerup", "pointercancel"].forEach((t) => canvas.addEventListener(t, () => { drawing = false; field.value = path; }));
  document.getElementById("signature-clear").addEventListener("click", () => { path = ""; field.value = ""; redraw(); });
  redraw();
})();
