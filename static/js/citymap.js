// The city map: cases clustered and coloured by state, filterable; layers of areas, grids, components, cameras.
(function () {
  const el = document.getElementById("city-map");
  if (!el || !window.L) return;
  const geo = CityGeo.forMap(el);
  const map = L.map(el, { preferCanvas: true, maxZoom: 19 }).setView([31.57, 120.30], 12);
  geo.baseLayer(map);
  window.cityMap = map;  // for scripted views (screenshots, kiosk displays)
  const COLOURS = { reported: "#868e96", verifying: "#868e96", pending_registration: "#868e96", registered: "#1c7ed6",
    dispatched: "#1c7ed6", returned: "#f59f00", parked: "#f59f00", handled: "#37b24d", checking: "#37b24d",
    pending_closure: "#37b24d", closed: "#2b8a3e" };
  const api = (url) => fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((r) => r.json());
  const text = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

  const districts = geo.geojson(null, { style: { color: "#073763", weight: 2, fill: false } }).addTo(map);
  const streets = geo.geojson(null, {
    style: { color: "#52606d", weight: 1, fillOpacity: 0.03 },
    onEachFeature: (f, l) => l.bindTooltip(text(f.properties.name), { sticky: true }),
  }).addTo(map);
  api("/api/gis/areas/?kind=district").then((d) => { districts.addData(d); if (d.features.length) map.fitBounds(districts.getBounds()); });
  api("/api/gis/areas/?kind=street").then((d) => streets.addData(d));

  const grids = geo.geojson(null, {
    style: { color: "#0b5394", weight: 1, fillOpacity: 0.05 },
    onEachFeature: (f, l) => l.bindPopup(`<strong>${text(f.properties.code)}</strong><br>${text(f.properties.district_name)} · ${text(f.properties.street_name)} · ${text(f.properties.community_name)}<br>${Math.round(f.properties.area_m2)} m²`),
  });
  const components = geo.geojson(null, {
    pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 4, color: "#5f3dc4", weight: 1, fillOpacity: 0.7 }),
    onEachFeature: (f, l) => l.bindPopup(`<strong>${text(f.properties.category_name)}</strong> ${text(f.properties.code)}<br>${text(el.dataset.owner)}: ${text(f.properties.owner)}<br>${text(el.dataset.status)}: ${text(f.properties.status_display)} · ${text(f.properties.grid_code)}`),
  });
  const cameras = geo.geojson(null, {
    pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 6, color: "#e8590c", weight: 2, fillOpacity: 0.4 }),
    onEachFeature: (f, l) => l.bindPopup(`<strong>${text(f.properties.name)}</strong><br><code>${text(f.properties.stream_url)}</code>`),
  });
  api("/api/gis/cameras/").then((d) => cameras.addData(d));

  const bbox = () => { const b = map.getBounds(); const sw = geo.store(b.getSouthWest()), ne = geo.store(b.getNorthEast()); return `${sw[0]},${sw[1]},${ne[0]},${ne[1]}`; };
  function refreshDetail() {
    const z = map.getZoom();
    grids.clearLayers(); components.clearLayers();
    if (z >= 15 && map.hasLayer(grids)) api(`/api/gis/grids/?in_bbox=${bbox()}&page_size=2000`).then((d) => grids.addData(d));
    if (z >= 16 && map.hasLayer(components)) api(`/api/gis/components/?in_bbox=${bbox()}&page_size=3000`).then((d) => components.addData(d));
    document.getElementById("zoom-hint").hidden = z >= 15;
  }
  map.on("moveend overlayadd", refreshDetail);

  // Below street level the server sends clusters (a count per square of the screen), points from there on.
  const CLUSTER_BELOW = 15;
  const cases = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 50 });
  const gathered = L.layerGroup();
  const caseLayers = L.layerGroup([cases, gathered]).addTo(map);
  const form = document.getElementById("map-filters");
  const count = document.getElementById("case-count");
  let asked = 0;
  function clusterMarker(f) {
    const [x, y] = f.geometry.coordinates;
    const { count: n, overdue } = f.properties;
    const size = n < 100 ? 32 : n < 1000 ? 40 : n < 10000 ? 50 : 60;
    const m = L.marker(geo.show(x, y), { icon: L.divIcon({
      className: `case-cluster${overdue ? " has-overdue" : ""}`, iconSize: [size, size],
      html: `<span>${n.toLocaleString()}</span>` }) });
    const z = map.getZoom();
    m.on("click", () => map.setView(m.getLatLng(), z < CLUSTER_BELOW ? Math.min(z + 2, CLUSTER_BELOW) : z + 1));
    return m;
  }
  function caseMarker(f) {
    const [x, y] = f.geometry.coordinates;
    const p = f.properties;
    const m = L.circleMarker(geo.show(x, y), { radius: 6, color: p.overdue ? "#c92a2a" : "#fff", weight: p.overdue ? 2 : 1,
      fillColor: COLOURS[p.state] || "#495057", fillOpacity: 0.9 });
    m.bindPopup(`<a href="/cases/${f.id}/"><strong>${text(p.number)}</strong></a><br>${text(p.category)} ${text(p.category_name)}<br>${text(el.dataset["state_" + p.state] || p.state)}${p.overdue ? " · <span class='error'>" + text(el.dataset.overdue) + "</span>" : ""}`);
    return m;
  }
  function loadCases() {
    const query = new URLSearchParams(new FormData(form));
    [...query.keys()].forEach((k) => { if (!query.get(k)) query.delete(k); });
    query.set("zoom", map.getZoom());
    if (map.getZoom() >= CLUSTER_BELOW) query.set("in_bbox", bbox());
    const ask = ++asked;
    api(`/api/gis/cases/?${query}`).then((data) => {
      if (ask !== asked) return;  // a later view's answer is on its way
      cases.clearLayers(); gathered.clearLayers();
      const markers = data.features.map(data.clustered ? clusterMarker : caseMarker);
      if (data.clustered) markers.forEach((m) => gathered.addLayer(m)); else cases.addLayers(markers);
      const shown = data.clustered ? data.total : markers.length;
      const capped = !data.clustered && data.total > markers.length;
      count.textContent = (capped ? count.dataset.capped : count.dataset.all)
        .replace("%(shown)s", shown.toLocaleString()).replace("%(total)s", (data.total ?? shown).toLocaleString());
      count.classList.toggle("error", capped);
    });
  }
  map.on("zoomend", () => { if (map.getZoom() < CLUSTER_BELOW) loadCases(); });
  map.on("moveend", () => { if (map.getZoom() >= CLUSTER_BELOW) loadCases(); });
  form.addEventListener("change", loadCases);
  form.addEventListener("submit", (e) => { e.preventDefault(); loadCases(); });
  loadCases();

  const legend = document.getElementById("map-legend");
  if (legend) {
    const control = L.control({ position: "bottomright" });
    control.onAdd = () => { legend.hidden = false; return legend; };
    control.addTo(map);
  }

  L.control.layers(null, {
    [el.dataset.labelCases]: caseLayers, [el.dataset.labelDistricts]: districts, [el.dataset.labelStreets]: streets,
    [el.dataset.labelGrids]: grids, [el.dataset.labelComponents]: components, [el.dataset.labelCameras]: cameras,
  }, { collapsed: false }).addTo(map);
})();
