// A nonconforming item: highlight the row and ask for the description (Tab from the radios lands on it).
// The two placeholders come translated from the form's data-note-required / data-note-optional.
(function () {
  var form = document.getElementById("spotcheck-form");
  if (!form) return;
  var required = form.dataset.noteRequired, optional = form.dataset.noteOptional;
  form.querySelectorAll(".checklist-item").forEach(function (row) {
    var note = row.querySelector("input[type=text]");
    row.addEventListener("change", function (ev) {
      if (ev.target.type !== "radio") return;
      var bad = ev.target.value === "nonconforming";
      row.classList.toggle("list-group-item-danger", bad);
      note.placeholder = bad ? required : optional;
      note.required = bad;
    });
  });
})();
