// The case page's map: the case's point and its unit grid, on the project's own layers (no tiles needed).
(function () {
  const el = document.getElementById("case-map");
  if (!el || !window.L) return;
  const point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
  const map = L.map(el, { attributionControl: false }).setView(point, 17);
  if (el.dataset.grid) {
    L.geoJSON(JSON.parse(el.dataset.grid), { style: { color: "#0b5394", weight: 2, fillOpacity: 0.08 } }).addTo(map);
  }
  L.circleMarker(point, { radius: 8, color: "#c92a2a", fillOpacity: 0.8 }).addTo(map);
})();
