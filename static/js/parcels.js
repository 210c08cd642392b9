/* Parcels (邮件包裹): keyboard-only arrival (Enter moves to the next field and row, Ctrl+Enter saves),
   the room resolved as it is typed (as in the lookup), and the collector's signature pad. */
(function () {
  "use strict";

  function fields(form) {
    return Array.prototype.filter.call(form.querySelectorAll("[data-enter-next]"), function (el) {
      return !el.disabled && el.getClientRects().length > 0;
    });
  }

  document.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (ev.key !== "Enter" || ev.isComposing || !el.closest) return;
    var form = el.closest("form[data-parcel-form]");
    if (!form) return;
    if (ev.ctrlKey || ev.metaKey) {
      ev.preventDefault();
      form.requestSubmit();
      return;
    }
    if (!el.hasAttribute("data-enter-next")) return;
    var list = fields(form);
    var i = list.indexOf(el);
    if (i >= 0 && i < list.length - 1) {
      ev.preventDefault();
      var next = list[i + 1];
      next.focus();
      if (next.tagName === "INPUT" && next.select) next.select();
    } else if (form.querySelector("[data-batch-row]")) {
      ev.preventDefault(); // the grid saves with Ctrl+Enter or its button, never by a stray Enter
    }
  });

  var timers = new WeakMap();

  function hidden(el) {
    var scope = el.closest("[data-batch-row]") || el.closest("form");
    return scope.querySelector("[data-unit-id]");
  }

  function resolve(el, form, target, unit) {
    var params = new URLSearchParams({ q: el.value });
    if (unit) params.set("unit", unit);
    if (target.hasAttribute("data-with-addressee")) params.set("addressee", "1");
    var asked = el.value;
    fetch(form.getAttribute("data-resolve-url") + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (html) {
      if (el.value !== asked) return;
      target.innerHTML = html;
      var resolved = target.querySelector("[data-resolved]");
      var id = hidden(el);
      if (id) id.value = resolved ? resolved.getAttribute("data-resolved") : "";
    });
  }

  // One of several rooms with the code typed (two communities): the clerk picks it.
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-pick-unit]");
    if (!button) return;
    var form = button.closest("form[data-resolve-url]");
    var scope = button.closest("[data-batch-row]") || form;
    var room = scope.querySelector("[data-parcel-room]");
    var target = scope.querySelector("[data-resolve-target]");
    room.value = button.getAttribute("data-pick-code");
    resolve(room, form, target, button.getAttribute("data-pick-unit"));
    room.focus();
  });

  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (!el.matches || !el.matches("[data-parcel-room]")) return;
    var form = el.closest("form[data-resolve-url]");
    if (!form) return;
    var scope = el.closest("[data-batch-row]") || form;
    var target = scope.querySelector("[data-resolve-target]");
    if (!target) return;
    var id = hidden(el);
    if (id) id.value = "";
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () { resolve(el, form, target); }, 150));
  });

  // The signature pad: draw with a finger, a pen or the mouse; the PNG goes into the hidden field.
  function pad(canvas) {
    var form = canvas.closest("form");
    var input = form.querySelector("[data-signature-value]");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#111";
    function point(ev) {
      var rect = canvas.getBoundingClientRect();
      return { x: (ev.clientX - rect.left) * canvas.width / rect.width, y: (ev.clientY - rect.top) * canvas.height / rect.height };
    }
    canvas.addEventListener("pointerdown", function (ev) {
      drawing = true;
      canvas.setPointerCapture(ev.pointerId);
      var p = point(ev);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
    });
    canvas.addEventListener("pointermove", function (ev) {
      if (!drawing) return;
      var p = point(ev);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
    });
    function end() {
      if (!drawing) return;
      drawing = false;
      input.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    var clear = form.querySelector("[data-signature-clear]");
    if (clear) clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      input.value = "";
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-signature-pad]"), pad);
})();
