/* Repairs: intake helpers (caller select fills name and phone; Ctrl+Enter submits) and the board's bulk selection. */
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (form) {
    var data = {};
    var el = document.getElementById("intake-people");
    if (el) { try { data = JSON.parse(el.textContent); } catch (e) { data = {}; } }
    var person = form.querySelector("[name=person]");
    if (person) {
      person.addEventListener("change", function () {
        var p = data[person.value];
        if (!p) return;
        form.querySelector("[name=contact_name]").value = p.name || "";
        form.querySelector("[name=contact_phone]").value = p.phone || "";
      });
    }
    var description = form.querySelector("[name=description]");
    if (description && !form.querySelector(".is-invalid")) description.focus();
    form.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
    });
  }
  // The board refreshes itself every 30 s, but not while tickets are ticked for a bulk dispatch
  // (a cancelled htmx request: the policy allows no eval'd trigger filter).
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (e.detail.elt && e.detail.elt.id === "board-table" && document.querySelector("input[name=tickets]:checked")) e.preventDefault();
  });
  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "select-all") {
      document.querySelectorAll("input[name=tickets]").forEach(function (box) { box.checked = e.target.checked; });
    }
  });
})();
