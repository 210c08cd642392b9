// The counter's unit page: ticking bills updates the total and the amount; the pay button greys out once sent.
(function () {
  const form = document.getElementById("pay-form");
  const boxes = Array.from(form.querySelectorAll(".bill-box"));
  const all = document.getElementById("tick-all");
  const amount = document.getElementById("id_amount");
  const total = document.getElementById("due-total");
  function cents(v) { return Math.round(parseFloat(v) * 100); }
  function update() {
    const sum = boxes.filter((b) => b.checked).reduce((s, b) => s + cents(b.dataset.outstanding), 0);
    const text = (sum / 100).toFixed(2);
    total.textContent = "¥" + Number(text).toLocaleString("en-US", {minimumFractionDigits: 2});
    if (amount) amount.value = sum ? text : "";
    if (all) all.checked = boxes.length > 0 && boxes.every((b) => b.checked);
  }
  boxes.forEach((b) => b.addEventListener("change", update));
  if (all) all.addEventListener("change", () => { boxes.forEach((b) => { b.checked = all.checked; }); update(); });
  form.addEventListener("submit", () => { const b = document.getElementById("pay-button"); setTimeout(() => { b.disabled = true; }, 0); });
})();
