// The dashboard's charts (Apache ECharts, the platform's one charting library): the city's main rates over
// the last twelve months, the districts' scores, the shares of the major categories.
(function () {
  const data = JSON.parse(JSON.parse(document.getElementById("trend-data").textContent));
  const colours = ["#0b5394", "#2f9e44", "#e8590c", "#f59f00", "#5f3dc4", "#c92a2a", "#1098ad", "#868e96", "#d6336c", "#74b816"];
  const charts = [];
  function chart(id, option) {
    const c = echarts.init(document.getElementById(id));
    c.setOption({ animation: false, color: colours, ...option });
    charts.push(c);
  }
  chart("trend", {
    tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : `${v} %`) },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", min: (v) => Math.min(85, Math.floor(v.min)), max: 100, axisLabel: { formatter: "{value} %" } },
    series: Object.entries(data.series).map(([name, values]) => ({ name, type: "line", smooth: 0.2, data: values })),
  });
  const scores = Object.entries(data.district_scores).sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0));
  chart("district-scores", {
    tooltip: {},
    grid: { left: 10, right: 40, top: 10, bottom: 20, containLabel: true },
    xAxis: { type: "value", min: (v) => Math.min(60, Math.floor(v.min)), max: 100 },
    yAxis: { type: "category", data: scores.map((s) => s[0]) },
    series: [{ type: "bar", data: scores.map((s) => s[1]), label: { show: true, position: "right" } }],
  });
  const shares = Object.entries(data.category_shares).sort((a, b) => b[1] - a[1]);
  chart("category-shares", {
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { orient: "vertical", right: 0, top: "middle" },
    series: [{ type: "pie", radius: ["40%", "70%"], center: ["35%", "50%"], label: { show: false },
      data: shares.map(([name, value]) => ({ name, value })) }],
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
