// Location picker: street outlines as the base layer; a click sets the hidden latitude/longitude fields.
(function () {
  const el = document.getElementById("picker-map");
  if (!el || !window.L) return;
  const map = L.map(el, { attributionControl: false }).setView([31.57, 120.30], 12);
  const lat = document.getElementById("id_latitude"), lng = document.getElementById("id_longitude");
  const shown = document.getElementById("picked");
  let marker = null;
  fetch(el.dataset.boundaries, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
    const layer = L.geoJSON(data, {
      style: { color: "#52606d", weight: 1, fillOpacity: 0.04 },
      onEachFeature: (f, l) => l.bindTooltip(f.properties.name, { sticky: true }),
    }).addTo(map);
    if (data.features.length) map.fitBounds(layer.getBounds());
    layer.on("click", (e) => pick(e.latlng));
  });
  function pick(latlng) {
    lat.value = latlng.lat.toFixed(7);
    lng.value = latlng.lng.toFixed(7);
    shown.textContent = `${lng.value}, ${lat.value}`;
    if (marker) marker.setLatLng(latlng);
    else marker = L.marker(latlng).addTo(map);
  }
  map.on("click", (e) => pick(e.latlng));
  if (lat.value && lng.value) pick(L.latLng(parseFloat(lat.value), parseFloat(lng.value)));
})();
