// Roster grid: type a shift code per cell; arrow keys or Enter move between cells.
(function () {
  const grid = document.getElementById("roster-grid");
  const codes = grid.dataset.codes.trim().split(/\s+/).filter(Boolean);
  const rows = Array.from(grid.tBodies[0].rows).map((tr) => Array.from(tr.querySelectorAll("input.cell")));
  function at(r, c) { return rows[r] && rows[r][c]; }
  function go(r, c) { const el = at(r, c); if (el) { el.focus(); el.select(); } }
  rows.forEach((cells, r) => cells.forEach((input, c) => {
    input.addEventListener("focus", () => input.select());
    input.addEventListener("keydown", (ev) => {
      const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0], Enter: [0, 1] };
      const move = moves[ev.key];
      if (move) { ev.preventDefault(); go(r + move[0], c + move[1]); }
      else if (ev.key === "Delete" || (ev.key === "Backspace" && input.value.length <= 1)) { input.value = ""; }
    });
    input.addEventListener("input", () => {
      input.value = input.value.toUpperCase().trim();
      const v = input.value;
      // One keystroke per cell: when the code is complete (no longer code starts with it), go to the next day.
      if (v && codes.includes(v) && !codes.some((code) => code !== v && code.startsWith(v))) go(r, c + 1);
      input.classList.toggle("text-danger", Boolean(v) && !codes.some((code) => code.startsWith(v)));
    });
  }));
})();
