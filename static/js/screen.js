// The live command center: everything arrives over one WebSocket. On (re)connection the server sends the
// whole state; then each committed move of a case, the counters after a burst, the panels every few seconds.
(function () {
  const T = JSON.parse(document.getElementById("screen-text").textContent);
  const fmt = (text, value) => text.replace("%s", value);
  const body = document.body;
  const COLORS = { intake: "#3fb6ff", handling: "#ffb020", checking: "#2ee6d6", overdue: "#ff4d4f", new: "#ffffff" };
  const GROUP = {
    reported: "intake", verifying: "intake", pending_registration: "intake", registered: "intake", returned: "intake",
    dispatched: "handling", parked: "handling", handled: "checking", checking: "checking", pending_closure: "checking",
  };
  const map = echarts.init(document.getElementById("screen-map"), null, { renderer: "canvas" });
  const units = echarts.init(document.getElementById("units-chart"));
  const categories = echarts.init(document.getElementById("category-chart"));
  [map, units, categories].forEach((c) => new ResizeObserver(() => c.resize()).observe(c.getDom()));
  const cases = new Map();  // id → {number, state, overdue, at, fresh}
  let cameras = [];

  function group(c) { return c.overdue ? "overdue" : GROUP[c.state]; }

  function drawMap() {
    const series = Object.keys(COLORS).filter((g) => g !== "new").map((g) => ({
      name: g, type: "scatter", coordinateSystem: "geo", symbolSize: g === "overdue" ? 9 : 6,
      itemStyle: { color: COLORS[g] },
      data: [...cases.values()].filter((c) => c.at && group(c) === g).map((c) => ({ name: c.number, value: c.at })),
    }));
    series.push({
      name: "new", type: "effectScatter", coordinateSystem: "geo", symbolSize: 14, rippleEffect: { scale: 4 },
      itemStyle: { color: COLORS.new },
      data: [...cases.values()].filter((c) => c.at && c.fresh > Date.now()).map((c) => ({ name: c.number, value: c.at })),
    });
    series.push({
      name: "camera", type: "scatter", coordinateSystem: "geo", symbol: "rect", symbolSize: 7,
      itemStyle: { color: "#b084ff" }, data: cameras.map((c) => ({ name: c.name, value: c.at })),
    });
    map.setOption({ series }, { replaceMerge: ["series"] });
  }

  function showCounters(counters) {
    const today = counters.today, ago = counters.week_ago, month = counters.month;
    document.querySelectorAll("[data-counter]").forEach((tile) => {
      const key = tile.dataset.counter;
      if (key === "overdue") {
        tile.querySelector(".today").textContent = counters.overdue;
        tile.querySelector(".month").textContent = fmt(T.open, counters.open);
        return;
      }
      const diff = today[key] - ago[key];
      tile.querySelector(".today").textContent = today[key];
      const change = tile.querySelector(".change");
      change.textContent = `${diff > 0 ? "▲" : diff < 0 ? "▼" : "="} ${Math.abs(diff)}`;
      change.className = `change ${diff > 0 ? "up" : diff < 0 ? "down" : ""}`;
      tile.querySelector(".month").textContent = fmt(T.month, month[key]);
    });
  }

  function showPanels(p) {
    document.getElementById("overdue-rows").replaceChildren(...p.overdue_list.map((r) => {
      const tr = document.createElement("tr");
      [r.number, r.category, r.holder, fmt(T.hours, r.late_hours)].forEach((text, i) => {
        const td = document.createElement("td");
        td.textContent = text;
        if (i === 3) td.className = "late";
        tr.appendChild(td);
      });
      return tr;
    }));
    const ranked = [...p.units].reverse();
    units.setOption({
      grid: { left: 8, right: 50, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: "value", max: 100, show: false },
      yAxis: { type: "category", data: ranked.map((u) => u.name), axisLabel: { color: "#e6f0fa", fontSize: 15 } },
      series: [{ type: "bar", data: ranked.map((u) => u.rate), itemStyle: { color: "#37d67a" },
        label: { show: true, position: "right", color: "#e6f0fa", fontSize: 15, formatter: "{c}%" } }],
    });
    const top = p.categories.slice(0, 6);
    const rest = p.categories.slice(6).reduce((n, c) => n + c.value, 0);
    categories.setOption({
      series: [{ type: "pie", radius: ["35%", "62%"], data: rest ? [...top, { name: T.other, value: rest }] : top,
        label: { color: "#e6f0fa", fontSize: 15, formatter: "{b} {d}%" } }],
    });
    document.getElementById("on-duty").replaceChildren(...p.on_duty.map((d) => {
      const li = document.createElement("li");
      li.append(d.role, Object.assign(document.createElement("b"), { textContent: d.people }));
      return li;
    }));
  }

  function apply(message) {
    if (message.kind === "state") {
      cases.clear();
      message.cases.forEach((c) => cases.set(c.id, c));
      cameras = message.cameras;
      showCounters(message.counters);
      showPanels(message);
      drawMap();
    } else if (message.kind === "case") {
      const known = cases.get(message.id);
      const open = message.state in GROUP;
      if (!open) cases.delete(message.id);
      else cases.set(message.id, { ...message, fresh: message.action === "report" ? Date.now() + 60000 : known?.fresh });
      drawMap();
    } else if (message.kind === "counters") {
      showCounters(message.counters);
    } else if (message.kind === "panels") {
      showPanels(message.panels);
    }
  }

  fetch(body.dataset.outlines, { credentials: "same-origin" }).then((r) => r.json()).then((outlines) => {
    echarts.registerMap("city", outlines);
    map.setOption({
      geo: { map: "city", roam: true, itemStyle: { areaColor: "#0f2a44", borderColor: "#3a6a94" },
        label: { show: true, color: "#8aa4bd", fontSize: 16 }, emphasis: { disabled: true } },
      tooltip: { trigger: "item", formatter: (p) => p.name },
    });
    drawMap();
    connect();
  });

  let retry = 1000, staleTimer = null;
  function connect() {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${body.dataset.socket}`);
    socket.onopen = () => { retry = 1000; };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.kind === "state") {
        clearTimeout(staleTimer);
        body.classList.remove("stale");
        document.getElementById("link").className = "link-dot on";
        document.getElementById("link-text").textContent = T.live;
      }
      apply(message);
    };
    socket.onclose = () => {
      document.getElementById("link").className = "link-dot";
      document.getElementById("link-text").textContent = T.reconnecting;
      staleTimer = setTimeout(() => body.classList.add("stale"), 3000);  // never stale figures without saying so
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  setInterval(() => { document.getElementById("clock").textContent = new Date().toLocaleString(); }, 1000);
  setInterval(drawMap, 15000);  // the ripple of a new report fades after a minute
})();
