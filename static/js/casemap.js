// The case page's map: the case's point, its unit grid and the components nearby.
(function () {
  const el = document.getElementById("case-map");
  if (!el || !window.L) return;
  const geo = CityGeo.forMap(el);
  const point = geo.show(parseFloat(el.dataset.lng), parseFloat(el.dataset.lat));
  const map = L.map(el, { attributionControl: !!el.dataset.tiles }).setView(point, 17);
  geo.baseLayer(map);
  if (el.dataset.grid) geo.geojson(JSON.parse(el.dataset.grid), { style: { color: "#0b5394", weight: 2, fillOpacity: 0.08 } }).addTo(map);
  document.querySelectorAll("[data-component]").forEach((row) => {
    const [x, y] = row.dataset.component.split(",").map(parseFloat);
    L.circleMarker(geo.show(x, y), { radius: 4, color: "#5f3dc4", fillOpacity: 0.7 }).bindTooltip(row.dataset.label).addTo(map);
  });
  L.circleMarker(point, { radius: 8, color: "#c92a2a", fillOpacity: 0.8 }).addTo(map);
  // The relocate form takes its point from a click on this map.
  const lng = document.querySelector("[name='relocate-longitude']"), lat = document.querySelector("[name='relocate-latitude']");
  if (lng && lat) {
    let moved = null;
    map.on("click", (e) => {
      const [x, y] = geo.store(e.latlng);
      lng.value = x.toFixed(7);
      lat.value = y.toFixed(7);
      if (moved) moved.setLatLng(e.latlng); else moved = L.marker(e.latlng).addTo(map);
      lng.closest("details").open = true;
    });
  }
})();
