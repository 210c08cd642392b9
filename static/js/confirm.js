// A button or link with data-confirm="…" asks once before it acts (e.g. approving a void); "Cancel" stops it.
(function () {
  document.addEventListener("click", (ev) => {
    const el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) { ev.preventDefault(); ev.stopImmediatePropagation(); }
  }, true);
})();
