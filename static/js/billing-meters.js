// Meter readings grid: Enter / arrow keys move between rooms; the first room to fix gets the focus.
(function () {
  const grid = document.getElementById("meter-grid");
  if (!grid) return;
  grid.addEventListener("keydown", function (event) {
    const input = event.target;
    if (!input.classList.contains("meter-input")) return;
    if (!["Enter", "ArrowDown", "ArrowUp"].includes(event.key)) return;
    event.preventDefault();
    const inputs = Array.from(grid.querySelectorAll(".meter-input"));
    const index = inputs.indexOf(input) + (event.key === "ArrowUp" ? -1 : 1);
    if (index >= 0 && index < inputs.length) { inputs[index].focus(); inputs[index].select(); }
    else input.blur();
  });
  const first = grid.querySelector(".meter-row.table-danger .meter-input") || grid.querySelector(".meter-input");
  if (first) first.focus();
})();
