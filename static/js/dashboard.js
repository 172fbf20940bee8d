// The dashboard's trend chart: the city's main rates over the last twelve months.
(function () {
  const data = JSON.parse(JSON.parse(document.getElementById("trend-data").textContent));
  const colours = ["#0b5394", "#2f9e44", "#e8590c"];
  new Chart(document.getElementById("trend"), {
    type: "line",
    data: {
      labels: data.labels,
      datasets: Object.entries(data.series).map(([label, values], i) => ({ label, data: values, borderColor: colours[i], backgroundColor: colours[i], tension: 0.2 })),
    },
    options: { animation: false, scales: { y: { suggestedMin: 85, suggestedMax: 100, ticks: { callback: (v) => `${v} %` } } } },
  });
})();
