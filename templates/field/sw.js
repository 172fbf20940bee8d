// The field app's service worker: the app shell from the cache when there is no network; the API's task
// lists from the network, or their last answer when offline. Reports and results are not sent from here:
// the page's queue (IndexedDB) sends them, with their idempotency keys.
const CACHE = "field-{{ version }}";
const SHELL = "{{ shell }}";
const ASSETS = [SHELL, {% for url in assets %}"{{ url|escapejs }}", {% endfor %}"{% url 'field-manifest' %}", "{% url 'field-icon' 192 %}", "{% url 'field-icon' 512 %}"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("field-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(key || request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key || request);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(networkFirst(request, SHELL));
  } else if (url.pathname.startsWith("/api/") || url.pathname.endsWith(".geojson")) {
    event.respondWith(networkFirst(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(request)));
  }
});
