// Repair statistics: the three charts, drawn from the page's json_script data (#stats-data).
(function () {
  if (!window.Chart) return;
  const d = JSON.parse(document.getElementById("stats-data").textContent);
  const blue = "#0d6efd", red = "#dc3545", green = "#198754", orange = "#fd7e14";
  const small = {responsive: true, maintainAspectRatio: false, plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}};
  new Chart(document.getElementById("chart-periods"), {type: "bar", options: small, data: {labels: d.labels, datasets: [
    {label: d.text.repairs, data: d.repairs, backgroundColor: blue},
    {label: d.text.complaints, data: d.complaints, backgroundColor: red},
    {label: d.text.handoffs, data: d.handoffs || [], backgroundColor: "#6f42c1"}]}});
  new Chart(document.getElementById("chart-categories"), {type: "bar",
    options: Object.assign({}, small, {indexAxis: "y", scales: {x: {stacked: true}, y: {stacked: true}}}),
    data: {labels: d.categories, datasets: [
      {label: d.text.repairs, data: d.category_repairs, backgroundColor: blue},
      {label: d.text.complaints, data: d.category_complaints, backgroundColor: red}]}});
  new Chart(document.getElementById("chart-quality"), {type: "line",
    options: Object.assign({}, small, {scales: {y: {min: 0, max: 100, position: "left"}, y1: {min: 0, max: 5, position: "right", grid: {drawOnChartArea: false}}}}),
    data: {labels: d.labels, datasets: [
      {label: d.text.on_time, data: d.on_time, borderColor: green, backgroundColor: green, yAxisID: "y", spanGaps: true},
      {label: d.text.satisfaction, data: d.satisfaction, borderColor: orange, backgroundColor: orange, yAxisID: "y1", spanGaps: true}]}});
})();
