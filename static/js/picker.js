// Location picker: street outlines as the base layer; a click sets the hidden latitude/longitude fields (WGS 84).
(function () {
  const el = document.getElementById("picker-map");
  if (!el || !window.L) return;
  const geo = CityGeo.forMap(el);
  const map = L.map(el, { attributionControl: !!el.dataset.tiles }).setView([31.57, 120.30], 12);
  geo.baseLayer(map);
  const lat = document.getElementById("id_latitude"), lng = document.getElementById("id_longitude");
  const shown = document.getElementById("picked");
  let marker = null;
  fetch(el.dataset.boundaries, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
    const layer = geo.geojson(data, {
      style: { color: "#52606d", weight: 1, fillOpacity: 0.04 },
      onEachFeature: (f, l) => l.bindTooltip(f.properties.name, { sticky: true }),
    }).addTo(map);
    if (data.features.length) map.fitBounds(layer.getBounds());
    layer.on("click", (e) => pick(e.latlng));
  });
  function pick(latlng) {
    const [x, y] = geo.store(latlng);
    lat.value = y.toFixed(7);
    lng.value = x.toFixed(7);
    shown.textContent = `${lng.value}, ${lat.value}`;
    if (marker) marker.setLatLng(latlng);
    else marker = L.marker(latlng).addTo(map);
  }
  map.on("click", (e) => pick(e.latlng));
  if (lat.value && lng.value) pick(geo.show(parseFloat(lng.value), parseFloat(lat.value)));
})();
