// Decision analysis charts (ECharts; every chart saves itself as a PNG from its toolbox).
(function () {
  const save = { feature: { saveAsImage: { pixelRatio: 2 } } };
  const mapEl = document.getElementById("hotspot-map");
  if (mapEl) {
    const data = JSON.parse(document.getElementById("hotspot-data").textContent);
    const chart = echarts.init(mapEl);
    const max = Math.max(1, ...data.density.map((d) => d[2]));
    fetch(mapEl.dataset.outlines, { credentials: "same-origin" }).then((r) => r.json()).then((outlines) => {
      echarts.registerMap("area", outlines);
      const spot = (rows, colour) => ({
        type: "scatter", coordinateSystem: "geo", symbol: "rect", itemStyle: { color: colour, opacity: 0.85 },
        symbolSize: (v) => (v[5] === 99 ? 9 : 6),
        data: rows.map((r) => ({ name: r[2], value: [r[0], r[1], r[3], r[4], r[2], r[5]] })),
      });
      chart.setOption({
        toolbox: save,
        tooltip: { formatter: (p) => (p.seriesType === "scatter" ? `${p.value[4]} · ${p.value[2]} · z ${p.value[3]}` : `${p.value[2]}`) },
        visualMap: { min: 0, max, calculable: true, seriesIndex: 0, inRange: { color: ["#e7f5ff", "#74c0fc", "#1c7ed6", "#f59f00", "#e8590c"] }, right: 10, bottom: 10 },
        geo: { map: "area", roam: true, itemStyle: { areaColor: "#f8f9fa", borderColor: "#adb5bd" }, label: { show: true, color: "#495057" } },
        series: [
          { type: "heatmap", coordinateSystem: "geo", pointSize: 4, blurSize: 6, data: data.density },
          spot(data.hot, "#c92a2a"),
          spot(data.cold, "#1864ab"),
        ],
      });
      chart.on("click", (p) => { if (p.seriesType === "scatter") location.href = `${data.cases_url}&grid=${p.value[4]}`; });
    });
    new ResizeObserver(() => chart.resize()).observe(mapEl);
  }
  const weekEl = document.getElementById("week-matrix");
  if (weekEl) {
    const data = JSON.parse(document.getElementById("time-data").textContent);
    const text = JSON.parse(document.getElementById("time-labels").textContent);
    const hours = [...Array(24).keys()].map(String);
    const week = echarts.init(weekEl);
    week.setOption({
      toolbox: save, tooltip: {},
      grid: { left: 50, right: 20, top: 10, bottom: 60 },
      xAxis: { type: "category", data: hours }, yAxis: { type: "category", data: text.days },
      visualMap: { min: 0, max: Math.max(1, ...data.matrix.map((m) => m[2])), orient: "horizontal", left: "center", bottom: 0, calculable: true },
      series: [{ type: "heatmap", name: text.reports, data: data.matrix.map(([d, h, n]) => [h, d, n]) }],
    });
    const delay = echarts.init(document.getElementById("delay-chart"));
    delay.setOption({
      toolbox: save, tooltip: { trigger: "axis" }, legend: {},
      grid: { left: 50, right: 50, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.delay.map((d) => d.hour) },
      yAxis: [{ type: "value", name: text.hours }, { type: "value", name: text.reports }],
      series: [
        { type: "line", name: text.hours, data: data.delay.map((d) => d.hours) },
        { type: "bar", name: text.reports, yAxisIndex: 1, data: data.delay.map((d) => d.cases), itemStyle: { opacity: 0.35 } },
      ],
    });
    [week, delay].forEach((c) => new ResizeObserver(() => c.resize()).observe(c.getDom()));
  }
})();
(function () {
  const el = document.getElementById("pareto-chart");
  if (!el) return;
  const data = JSON.parse(document.getElementById("types-data").textContent);
  const text = JSON.parse(document.getElementById("types-labels").textContent);
  const chart = echarts.init(el);
  chart.setOption({
    toolbox: { feature: { saveAsImage: { pixelRatio: 2 } } }, tooltip: { trigger: "axis" }, legend: {},
    grid: { left: 50, right: 50, top: 40, bottom: 110 },
    xAxis: { type: "category", data: data.names, axisLabel: { rotate: 45, interval: 0 } },
    yAxis: [{ type: "value", name: text.reports }, { type: "value", name: text.cumulative, max: 100 }],
    series: [
      { type: "bar", name: text.reports, data: data.counts },
      { type: "line", name: text.cumulative, yAxisIndex: 1, data: data.cumulative,
        markLine: { silent: true, symbol: "none", data: [{ yAxis: 80 }] } },
    ],
  });
  new ResizeObserver(() => chart.resize()).observe(el);
})();
(function () {
  const el = document.getElementById("area-trend");
  if (!el) return;
  const rows = JSON.parse(document.getElementById("area-trend-data").textContent);
  const chart = echarts.init(el);
  chart.setOption({
    toolbox: { feature: { saveAsImage: { pixelRatio: 2 } } }, tooltip: { trigger: "axis" },
    grid: { left: 50, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: rows.map((r) => r[0]) }, yAxis: { type: "value" },
    series: [{ type: "line", smooth: 0.2, areaStyle: { opacity: 0.15 }, data: rows.map((r) => r[1]) }],
  });
  new ResizeObserver(() => chart.resize()).observe(el);
})();
