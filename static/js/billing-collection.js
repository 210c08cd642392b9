// Collection rate: the chart per building/community with the target as a dashed line (#collection-data).
(function () {
  if (!window.Chart) return;
  const d = JSON.parse(document.getElementById("collection-data").textContent);
  const targetLine = {id: "targetLine", afterDatasetsDraw: function (chart) {
    const y = chart.scales.y.getPixelForValue(d.target), area = chart.chartArea, ctx = chart.ctx;
    ctx.save(); ctx.strokeStyle = "#dc3545"; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
    ctx.beginPath(); ctx.moveTo(area.left, y); ctx.lineTo(area.right, y); ctx.stroke(); ctx.restore();
  }};
  new Chart(document.getElementById("chart-collection"), {type: "bar", plugins: [targetLine],
    options: {responsive: true, maintainAspectRatio: false, scales: {y: {min: 0, max: 100}},
              plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}},
    data: {labels: d.labels, datasets: [
      {label: d.text.month, data: d.month, backgroundColor: "#0d6efd"},
      {label: d.text.half, data: d.half, backgroundColor: "#6f42c1"},
      {label: d.text.past, data: d.past, backgroundColor: "#fd7e14"}]}});
})();
