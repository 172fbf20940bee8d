// Location picker (the staff's report form and the public page): area outlines as the base layer; a click, a
// dragged marker, a place found by name or the device's position sets the hidden latitude/longitude (WGS 84).
// With data-reverse the point is named (grid, community, street, district) and the address filled in.
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
  const address = document.getElementById("id_address");
  function pick(latlng) {
    const [x, y] = geo.store(latlng);
    lat.value = y.toFixed(7);
    lng.value = x.toFixed(7);
    shown.textContent = `${lng.value}, ${lat.value}`;
    if (marker) marker.setLatLng(latlng);
    else {
      marker = L.marker(latlng, { draggable: true }).addTo(map);
      marker.on("dragend", () => pick(marker.getLatLng()));
    }
    if (!el.dataset.reverse) return;
    fetch(`${el.dataset.reverse}?longitude=${lng.value}&latitude=${lat.value}`, { credentials: "same-origin" })
      .then((r) => r.json()).then((place) => {
        if (place.grid) {
          shown.textContent = `${place.district} · ${place.street} · ${place.community} · ${place.grid}`;
          if (address && !address.value) address.value = place.address;
        } else {
          shown.textContent = Object.values(place).flat().join(" ");
        }
      });
  }
  const search = document.getElementById("place-search"), results = document.getElementById("place-results");
  if (search) {
    let timer = null;
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => fetch(`/api/gis/geocode/?q=${encodeURIComponent(search.value)}`, { credentials: "same-origin" })
        .then((r) => r.json()).then((found) => {
          results.replaceChildren(...found.map((c) => {
            const item = document.createElement("button");
            item.type = "button";
            item.className = "link-button";
            item.textContent = c.name;
            item.addEventListener("click", () => { const ll = geo.show(c.longitude, c.latitude); map.setView(ll, 17); pick(ll); results.replaceChildren(); });
            return item;
          }));
        }), 250);
    });
  }
  map.on("click", (e) => pick(e.latlng));
  document.getElementById("locate-me")?.addEventListener("click", () => {
    navigator.geolocation?.getCurrentPosition((p) => {
      const here = geo.show(p.coords.longitude, p.coords.latitude);
      map.setView(here, 17);
      pick(here);
    }, () => { shown.textContent = "✗"; }, { enableHighAccuracy: true, timeout: 15000 });
  });
  if (lat.value && lng.value) pick(geo.show(parseFloat(lng.value), parseFloat(lat.value)));
})();
