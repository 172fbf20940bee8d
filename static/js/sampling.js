// Sampling maps: the library's samples (roads by level, markets and compounds as areas), one sample's
// geometry, and a polygon drawn to choose samples or a designated area (written as GeoJSON to a form field).
(function () {
  const el = document.getElementById("sample-map");
  if (!el || !window.L) return;
  const geo = CityGeo.forMap(el);
  const map = L.map(el, { attributionControl: !!el.dataset.tiles }).setView(geo.show(120.30, 31.57), 12);
  geo.baseLayer(map);
  const colours = { road: "#0b5394", market: "#e8590c", compound: "#2f9e44" };
  const weight = (level) => (/主干|main/.test(level) ? 4 : /次干|secondary/.test(level) ? 3 : 2);
  const style = (f) => ({ color: colours[f.properties.kind] || "#5f3dc4", weight: weight(f.properties.level || ""), fillOpacity: 0.25 });
  if (el.dataset.geometry) {
    const layer = geo.geojson(JSON.parse(el.dataset.geometry), { style: { color: "#c92a2a", weight: 5, fillOpacity: 0.3 } }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 17 });
  }
  if (el.dataset.samples) {
    const codes = el.dataset.codes && document.getElementById(el.dataset.codes);
    fetch(el.dataset.samples, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
      const layer = geo.geojson(data, {
        style,
        onEachFeature: (f, l) => {
          l.bindTooltip(`${f.properties.name} · ${f.properties.kind_name}${f.properties.level ? " · " + f.properties.level : ""}`);
          l.on("click", () => {
            if (codes) codes.value = (codes.value + " " + f.properties.code).trim();
            else if (el.dataset.detail) window.location = el.dataset.detail.replace("/0/", `/${f.id}/`);
          });
        },
      }).addTo(map);
      if (layer.getLayers().length) map.fitBounds(layer.getBounds());
    });
  }
  const target = el.dataset.draw && document.getElementById(el.dataset.draw);
  if (target && L.Control.Draw) {
    const drawn = new L.FeatureGroup().addTo(map);
    map.addControl(new L.Control.Draw({ draw: { polygon: true, rectangle: true, polyline: false, circle: false, marker: false, circlemarker: false }, edit: { featureGroup: drawn } }));
    const write = () => {
      const layers = drawn.getLayers();
      if (!layers.length) { target.value = ""; return; }
      const ring = layers[layers.length - 1].getLatLngs()[0].map((p) => geo.store(p));
      ring.push(ring[0]);
      target.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    };
    map.on(L.Draw.Event.CREATED, (e) => { drawn.clearLayers(); drawn.addLayer(e.layer); write(); });
    map.on(L.Draw.Event.EDITED, write);
    map.on(L.Draw.Event.DELETED, write);
  }
})();
