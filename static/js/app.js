// Lookup box: results as you type (htmx), arrows + Enter to open, Escape to close, "/" to focus.
(function () {
  const box = document.getElementById("lookup-box");
  const results = document.getElementById("lookup-results");
  function items() { return results ? Array.from(results.querySelectorAll("a.lookup-item")) : []; }
  function activeIndex() { return items().findIndex((a) => a.classList.contains("active")); }
  function setActive(i) {
    const all = items();
    all.forEach((a) => { a.classList.remove("active"); a.removeAttribute("aria-current"); });
    if (all.length === 0) return;
    const idx = (i + all.length) % all.length;
    all[idx].classList.add("active");
    all[idx].setAttribute("aria-current", "true");
    all[idx].scrollIntoView({ block: "nearest" });
  }
  if (box && results) {
    box.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown") { ev.preventDefault(); setActive(activeIndex() + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); setActive(activeIndex() - 1); }
      else if (ev.key === "Enter") {
        const all = items();
        const i = activeIndex();
        if (all.length && (i >= 0 || all.length === 1)) { ev.preventDefault(); window.location.href = all[i >= 0 ? i : 0].href; }
      } else if (ev.key === "Escape") { results.innerHTML = ""; }
    });
    // The same room code in two communities (data-ambiguous): nothing is preselected, so Enter lists the choice.
    document.addEventListener("htmx:afterSwap", (ev) => {
      if (ev.detail.target === results && !results.querySelector("[data-ambiguous]")) setActive(0);
    });
    document.addEventListener("click", (ev) => { if (!ev.target.closest(".lookup")) results.innerHTML = ""; });
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) { ev.preventDefault(); box.focus(); box.select(); }
    });
  }
  // A form is sent once: a double-click does not send it twice (the server also deduplicates by token).
  document.addEventListener("submit", (ev) => {
    const form = ev.target;
    if (form.method.toLowerCase() !== "post") return;
    if (form.dataset.submitted) { ev.preventDefault(); return; }
    form.dataset.submitted = "1";
    setTimeout(() => { delete form.dataset.submitted; }, 5000);
  });
})();
