// The open patrol's GPS track: fixes are kept in this phone's storage and sent in batches, so a dropped
// network or a closed page loses nothing; the server stores a fix sent twice once.
(function () {
  const status = document.getElementById("patrol-status");
  if (!status || !navigator.geolocation) return;
  const key = "patrol-points-" + status.dataset.patrol;
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const queue = () => JSON.parse(localStorage.getItem(key) || "[]");
  const save = (points) => localStorage.setItem(key, JSON.stringify(points));
  const show = () => { status.textContent = `${queue().length} ${status.dataset.waiting}`; };
  navigator.geolocation.watchPosition((p) => {
    const points = queue();
    points.push({ t: new Date(p.timestamp).toISOString(), lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy });
    save(points);
    show();
  }, () => { status.textContent = status.dataset.denied; }, { enableHighAccuracy: true, maximumAge: 5000 });
  async function send() {
    const points = queue().slice(0, 500);
    if (!points.length || !navigator.onLine) return;
    const response = await fetch(status.dataset.points, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ points }),
    }).catch(() => null);
    if (response && response.ok) { save(queue().slice(points.length)); show(); }
  }
  setInterval(send, 20000);
  window.addEventListener("online", send);
  document.querySelector("form [name=do][value=finish]")?.form.addEventListener("submit", (e) => {
    if (!queue().length) return;
    e.preventDefault();
    send().finally(() => e.target.submit());
  });
})();
