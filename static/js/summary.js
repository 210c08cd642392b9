// The daily summary's charts, drawn from the page's json_script data (#summary-chart-data).
(function () {
  if (!window.Chart) return;
  const node = document.getElementById("summary-chart-data");
  if (!node) return;
  const d = JSON.parse(node.textContent);
  const blue = "#0d6efd", green = "#198754", red = "#dc3545";
  const options = {responsive: true, maintainAspectRatio: true, aspectRatio: 1.6,
    plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}};
  const trend = document.getElementById("chart-trend");
  if (trend) {
    new Chart(trend, {type: "bar", options: Object.assign({}, options, {scales: {
      y: {beginAtZero: true, position: "left"}, y1: {beginAtZero: true, position: "right", grid: {drawOnChartArea: false}}}}),
      data: {labels: d.labels, datasets: [
        {type: "bar", label: d.text.tickets, data: d.tickets, backgroundColor: blue, yAxisID: "y"},
        {type: "line", label: d.text.collected, data: d.collected, borderColor: green, backgroundColor: green,
         yAxisID: "y1", spanGaps: true}]}});
  }
  const complaints = document.getElementById("chart-complaints");
  if (complaints) {
    new Chart(complaints, {type: "bar", options: Object.assign({}, options, {indexAxis: "y", plugins: {legend: {display: false}}}),
      data: {labels: d.categories, datasets: [{label: d.text.complaints, data: d.complaints, backgroundColor: red}]}});
  }
})();
