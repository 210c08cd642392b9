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
  // Behaviour declared in the markup (the Content-Security-Policy allows no inline handlers):
  // data-autosubmit: a select or date field sends its form as soon as it changes.
  document.addEventListener("change", (ev) => {
    const el = ev.target;
    if (el.form && el.hasAttribute("data-autosubmit")) el.form.submit();
  });
  // data-confirm="question": the button does nothing unless the question is answered OK.
  document.addEventListener("click", (ev) => {
    const el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) ev.preventDefault();
  });
  document.addEventListener("submit", (ev) => {
    const form = ev.target;
    // data-disable-on-submit: the button greys out once the form is on its way.
    if (form.hasAttribute("data-disable-on-submit")) {
      const button = form.querySelector("button");
      if (button) button.disabled = true;
    }
    // data-action-per-building: the address ends in the chosen building's id (…/0.pdf → …/12.pdf).
    if (form.dataset.actionPerBuilding) {
      form.action = form.dataset.actionPerBuilding.replace("0.pdf", form.elements.building.value + ".pdf");
    }
  });
  // data-ctrl-enter-submit: Ctrl+Enter (⌘+Enter) in the form sends it.
  document.addEventListener("keydown", (ev) => {
    const form = ev.target.closest && ev.target.closest("form[data-ctrl-enter-submit]");
    if (form && ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); }
  });
  // A form is sent once: a double-click does not send it twice (the server also deduplicates by token).
  document.addEventListener("submit", (ev) => {
    const form = ev.target;
    if (form.method.toLowerCase() !== "post") return;
    if (form.dataset.submitted) { ev.preventDefault(); return; }
    form.dataset.submitted = "1";
    setTimeout(() => { delete form.dataset.submitted; }, 5000);
    rememberSent(form);
  });
  // Back to a form already sent. Kept whole by the browser (back-forward cache): it is usable again at once.
  // Fetched anew (a new double-submit token) with what was typed put back: sent unchanged, it carries the
  // token it was first sent with, so the server answers with the first record; changed, it is a new one.
  function sentKey(form) { return "sent:" + location.pathname + location.search + "|" + (form.getAttribute("action") || ""); }
  function content(form) {
    const data = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name !== "form_token" && name !== "csrfmiddlewaretoken") data.append(name, typeof value === "string" ? value : value.name);
    }
    return data.toString();
  }
  function rememberSent(form) {
    const token = form.elements.form_token;
    if (!token || !token.value) return;
    try { sessionStorage.setItem(sentKey(form), JSON.stringify({ token: token.value, content: content(form) })); } catch (e) { /* storage full or off */ }
  }
  const navigation = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
  if (navigation && navigation.type === "back_forward") {
    document.addEventListener("submit", (ev) => {
      const form = ev.target;
      const token = form.elements && form.elements.form_token;
      if (!token || form.method.toLowerCase() !== "post") return;
      let sent = null;
      try { sent = JSON.parse(sessionStorage.getItem(sentKey(form)) || "null"); } catch (e) { sent = null; }
      if (sent && sent.content === content(form)) token.value = sent.token;
    }, true);  // before the handler above records what is sent
  }
  window.addEventListener("pageshow", (ev) => {
    if (!ev.persisted) return;
    document.querySelectorAll("form[data-submitted]").forEach((form) => { delete form.dataset.submitted; });
    document.querySelectorAll("form[data-disable-on-submit] button[disabled]").forEach((b) => { b.disabled = false; });
  });
})();
