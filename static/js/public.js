// The public report page: the place from a tap on the map (a draggable marker) or from the phone's position.
(function () {
  const el = document.getElementById("public-map");
  if (!el || !window.L) return;
  const geo = CityGeo.forMap(el);
  const map = L.map(el, { attributionControl: !!el.dataset.tiles }).setView([31.57, 120.30], 12);
  geo.baseLayer(map);
  const lat = document.getElementById("id_latitude"), lng = document.getElementById("id_longitude");
  const shown = document.getElementById("picked");
  let marker = null;
  function pick(latlng) {
    const [x, y] = geo.store(latlng);
    lat.value = y.toFixed(7);
    lng.value = x.toFixed(7);
    shown.textContent = `✓ ${lng.value}, ${lat.value}`;
    if (marker) { marker.setLatLng(latlng); return; }
    marker = L.marker(latlng, { draggable: true }).addTo(map);
    marker.on("dragend", () => pick(marker.getLatLng()));
  }
  fetch(el.dataset.areas).then((r) => r.json()).then((data) => {
    const layer = geo.geojson(data, {
      style: { color: "#52606d", weight: 1, fillOpacity: 0.04 },
      onEachFeature: (f, l) => l.bindTooltip(f.properties.name, { sticky: true }),
    }).addTo(map);
    if (data.features.length && !marker) map.fitBounds(layer.getBounds());
    layer.on("click", (e) => pick(e.latlng));
  });
  map.on("click", (e) => pick(e.latlng));
  document.getElementById("locate-me").addEventListener("click", () => {
    navigator.geolocation?.getCurrentPosition((p) => {
      const latlng = geo.show(p.coords.longitude, p.coords.latitude);
      pick(latlng);
      map.setView(latlng, 17);
    }, () => { shown.textContent = "✗"; }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
