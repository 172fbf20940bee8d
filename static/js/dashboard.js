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
  const scores = Object.entries(data.district_scores).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  new Chart(document.getElementById("district-scores"), {
    type: "bar",
    data: { labels: scores.map((s) => s[0]), datasets: [{ data: scores.map((s) => s[1]), backgroundColor: "#0b5394" }] },
    options: { animation: false, indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { suggestedMin: 60, suggestedMax: 100 } } },
  });
  const shares = Object.entries(data.category_shares).sort((a, b) => b[1] - a[1]);
  new Chart(document.getElementById("category-shares"), {
    type: "doughnut",
    data: { labels: shares.map((s) => s[0]), datasets: [{ data: shares.map((s) => s[1]),
      backgroundColor: ["#0b5394", "#2f9e44", "#e8590c", "#f59f00", "#5f3dc4", "#c92a2a", "#1098ad", "#868e96", "#d6336c", "#74b816"] }] },
    options: { animation: false, plugins: { legend: { position: "right" } } },
  });
})();
