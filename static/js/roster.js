// The roster grid, as its hint says: type a shift code in a cell; arrow keys or Enter move between cells.
// Typing never moves on (so an arrow after a code goes to the very next cell); a code typed over a
// complete one replaces it; Delete (or Backspace on one letter) empties the cell (= off).
(function () {
  const grid = document.getElementById("roster-grid");
  if (!grid) return;
  const codes = grid.dataset.codes.trim().split(/\s+/).filter(Boolean);
  const rows = Array.from(grid.tBodies[0].rows).map((tr) => Array.from(tr.querySelectorAll("input.cell")));
  const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0], Enter: [0, 1] };
  const startsACode = (v) => codes.some((code) => code.startsWith(v));
  function go(r, c) {
    const el = rows[r] && rows[r][c];
    if (el) { el.focus(); el.select(); }
  }
  rows.forEach((cells, r) => cells.forEach((input, c) => {
    input.addEventListener("focus", () => input.select());
    input.addEventListener("keydown", (ev) => {
      const move = moves[ev.key];
      if (move) { ev.preventDefault(); go(r + move[0], c + move[1]); }
      else if (ev.key === "Delete" || (ev.key === "Backspace" && input.value.length <= 1)) { input.value = ""; }
    });
    input.addEventListener("input", () => {
      let v = input.value.toUpperCase().trim();
      const last = v.slice(-1);
      if (v && !startsACode(v) && startsACode(last)) v = last;  // typed over a code: the new one replaces it
      input.value = v;
      input.classList.toggle("text-danger", Boolean(v) && !startsACode(v));
    });
  }));
})();
