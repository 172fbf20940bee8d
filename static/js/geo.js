// Coordinates are stored in WGS 84. Most Chinese tile services draw in GCJ-02: when the configured base map
// needs it (data-offset="gcj02" on the map element), every shown geometry is shifted, and clicks shifted back.
// Leaflet finds its marker images from its stylesheet's URL, which the hashed static names break: point it at
// the images beside this script (the unhashed copies collectstatic keeps).
if (window.L && document.currentScript) {
  L.Icon.Default.imagePath = document.currentScript.src.replace(/js\/geo[^/]*$/, "leaflet/images/");
}
// Leaflet credited by name only (its default credit carries an English tooltip).
if (window.L) L.Control.Attribution.prototype.options.prefix = '<a href="https://leafletjs.com">Leaflet</a>';
// The zoom buttons' tooltips in the page's language (the body carries them).
if (window.L && document.body && document.body.dataset.zoomIn) {
  L.Control.Zoom.prototype.options.zoomInTitle = document.body.dataset.zoomIn;
  L.Control.Zoom.prototype.options.zoomOutTitle = document.body.dataset.zoomOut;
}
window.CityGeo = (function () {
  const A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(lng, lat) { return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function tLat(x, y) {
    let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    return r + (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
  }
  function tLng(x, y) {
    let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    return r + (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
  }
  function toGcj(lng, lat) {
    if (outOfChina(lng, lat)) return [lng, lat];
    const rad = lat / 180 * Math.PI;
    let magic = Math.sin(rad); magic = 1 - EE * magic * magic;
    const sq = Math.sqrt(magic);
    const dLat = tLat(lng - 105, lat - 35) * 180 / ((A * (1 - EE)) / (magic * sq) * Math.PI);
    const dLng = tLng(lng - 105, lat - 35) * 180 / (A / sq * Math.cos(rad) * Math.PI);
    return [lng + dLng, lat + dLat];
  }
  function fromGcj(lng, lat) {  // two fixed-point steps: well under a metre
    let [x, y] = [lng, lat];
    for (let i = 0; i < 2; i++) { const [gx, gy] = toGcj(x, y); x += lng - gx; y += lat - gy; }
    return [x, y];
  }
  function forMap(el) {
    const gcj = el.dataset.offset === "gcj02";
    return {
      show: (lng, lat) => { const [x, y] = gcj ? toGcj(lng, lat) : [lng, lat]; return L.latLng(y, x); },
      store: (latlng) => gcj ? fromGcj(latlng.lng, latlng.lat) : [latlng.lng, latlng.lat],
      geojson: (data, options) => L.geoJSON(data, Object.assign({
        coordsToLatLng: (c) => { const [x, y] = gcj ? toGcj(c[0], c[1]) : c; return L.latLng(y, x); },
      }, options)),
      baseLayer: (map) => {
        if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
      },
    };
  }
  return { toGcj, fromGcj, forMap };
})();
