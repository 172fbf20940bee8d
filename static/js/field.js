// The supervisors' field app. Everything the supervisor sends — reports, task results, patrol fixes — goes
// first into an outbox in this phone's IndexedDB with its own idempotency key, then to the API when there
// is network: a dropped connection, a closed app or a retry never loses a report or makes a second one.
(function () {
  const data = JSON.parse(document.getElementById("field-data").textContent);
  const T = JSON.parse(document.getElementById("field-strings").textContent);
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  const fmt = (text, ...args) => { let i = 0; return text.replace(/%[sd]/g, () => args[i++]); };
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}${Math.random()}`).replace(/[-.]/g, "");
  const today = () => new Date().toLocaleDateString("sv");  // YYYY-MM-DD, local

  // --- the outbox ------------------------------------------------------------------------------------------
  const dbp = idb.openDB("citymgmt-field", 1, {
    upgrade(db) { db.createObjectStore("outbox", { keyPath: "key" }); db.createObjectStore("meta"); },
  });
  const meta = {
    get: async (k) => (await dbp).get("meta", k),
    set: async (k, v) => (await dbp).put("meta", v, k),
    del: async (k) => (await dbp).delete("meta", k),
  };
  navigator.storage?.persist?.();

  async function enqueue(item) {
    Object.assign(item, { key: item.key || newKey(), created: Date.now(), error: "" });
    await (await dbp).put("outbox", item);
    await showOutbox();
    flush();
    return item.key;
  }

  function csrf() {
    const cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return cookie ? cookie[1] : document.querySelector("[name=csrfmiddlewaretoken]").value;
  }

  // The API token (valid for a shift): asked for with the web session, kept here, so that what waits is
  // still sent after the session has ended.
  async function authToken(renew) {
    const kept = await meta.get("token");
    if (!renew && kept && kept.expires > Date.now() + 60000) return kept.key;
    try {
      const r = await fetch(body.dataset.token, { method: "POST", headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" });
      if (r.ok && (r.headers.get("content-type") || "").includes("json")) {
        const answer = await r.json();
        await meta.set("token", { key: answer.token, expires: Date.parse(answer.expires) });
        return answer.token;
      }
    } catch (e) { /* offline */ }
    return null;
  }

  async function post(item, token) {
    let url = item.url;
    if (url.includes("{patrol}")) {
      const id = await meta.get(`patrol:${item.patrolKey}`);
      if (!id) return null;  // its patrol has not reached the server yet
      url = url.replace("{patrol}", id);
    }
    // return=minimal: the phone keeps only the case's number, so the server need not send the whole case back
    const headers = { Authorization: `Token ${token}`, "Idempotency-Key": item.key, Prefer: "return=minimal" };
    let payload;
    if (item.json) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(item.json);
    } else {
      payload = new FormData();
      Object.entries(item.fields || {}).forEach(([k, v]) => payload.append(k, v));
      (item.files || []).forEach((f) => payload.append(f.field, f.blob, f.name));
    }
    return fetch(url, { method: "POST", headers, body: payload, credentials: "omit" });
  }

  async function errorText(response) {
    try {
      const answer = await response.json();
      const parts = [];
      (function walk(v) { if (typeof v === "string") parts.push(v); else if (v && typeof v === "object") Object.values(v).forEach(walk); })(answer);
      return parts.join(" ") || String(response.status);
    } catch (e) { return String(response.status); }
  }

  async function delivered(item, response) {
    const answer = await response.json().catch(() => ({}));
    if (item.kind === "patrol-start") await meta.set(`patrol:${item.patrolKey}`, answer.id);
    if (item.kind === "report" || item.kind === "action" || item.kind === "recheck") {
      const sent = (await meta.get("sent")) || [];
      sent.unshift({ label: item.label, number: answer.number || answer.case_number || "", at: Date.now() });
      await meta.set("sent", sent.slice(0, 20));
    }
    await (await dbp).delete("outbox", item.key);
  }

  let flushing = false;
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      const items = (await (await dbp).getAll("outbox")).sort((a, b) => a.created - b.created);
      if (!items.length) return;
      let token = await authToken();
      if (!token) { banner(T.sign_in); return; }
      for (const item of items) {
        if (item.error) continue;
        let response;
        try {
          response = await post(item, token);
          if (response && response.status === 401) {
            token = await authToken(true);
            if (!token) { banner(T.sign_in); break; }
            response = await post(item, token);
          }
        } catch (e) { break; }  // the network went: the rest waits
        if (!response) continue;
        if (response.ok || (item.kind === "patrol-finish" && response.status === 409)) await delivered(item, response);
        else if (response.status >= 500 || response.status === 429 || response.status === 408) break;
        else { item.error = await errorText(response); await (await dbp).put("outbox", item); }
      }
    } finally {
      flushing = false;
      await showOutbox();
    }
  }

  async function showOutbox() {
    const items = (await (await dbp).getAll("outbox")).sort((a, b) => a.created - b.created);
    const waiting = items.filter((i) => i.kind !== "points").length;
    const points = items.filter((i) => i.kind === "points").reduce((n, i) => n + i.json.points.length, 0);
    $("outbox-count").textContent = String(items.length);
    $("outbox-count").hidden = !items.length;
    $("outbox-summary").textContent = items.length ? fmt(T.waiting, waiting, points) : T.nothing_waiting;
    $("outbox").replaceChildren(...items.filter((i) => i.kind !== "points").map((item) => {
      const li = document.createElement("li");
      li.textContent = `${new Date(item.created).toLocaleTimeString()} · ${item.label}`;
      if (item.error) {
        li.className = "failed";
        const why = document.createElement("span");
        why.textContent = ` — ${fmt(T.refused, item.error)} `;
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "secondary";
        discard.textContent = T.discard;
        discard.addEventListener("click", async () => { await (await dbp).delete("outbox", item.key); showOutbox(); });
        li.append(why, discard);
      }
      return li;
    }));
    const sent = (await meta.get("sent")) || [];
    $("sent").replaceChildren(...sent.map((s) => {
      const li = document.createElement("li");
      li.textContent = `${new Date(s.at).toLocaleTimeString()} · ${s.label}${s.number ? " → " + fmt(T.arrived, s.number) : ""}`;
      return li;
    }));
  }

  // --- screen ----------------------------------------------------------------------------------------------
  function banner(text) {
    const el = $("banner");
    el.textContent = text;
    el.hidden = !text;
    if (text) setTimeout(() => { if (el.textContent === text) el.hidden = true; }, 8000);
  }

  function showNetwork() {
    $("net").textContent = navigator.onLine ? T.online : T.offline;
    $("net").className = `net ${navigator.onLine ? "on" : "off"}`;
  }

  document.querySelectorAll(".field-tabs button").forEach((button) => button.addEventListener("click", () => {
    document.querySelectorAll(".field-tabs button").forEach((b) => b.removeAttribute("aria-current"));
    button.setAttribute("aria-current", "true");
    document.querySelectorAll(".tab").forEach((tab) => { tab.hidden = tab.id !== `tab-${button.dataset.tab}`; });
    if (button.dataset.tab === "tasks") loadTasks();
    if (button.dataset.tab === "report") setTimeout(() => reportMap.invalidateSize(), 0);
  }));

  // Photos are made smaller on the phone (longest side 1,600 px, JPEG): faster to send, and the canvas
  // drops the camera's metadata, position included.
  async function shrink(file, longest = 1600) {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
      const scale = Math.min(1, longest / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return (await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.82))) || file;
    } catch (e) { return file; }
  }

  function photoPicker(input, thumbs) {
    let photos = [];
    input.addEventListener("change", async () => {
      for (const file of input.files) photos.push(await shrink(file));
      input.value = "";
      thumbs.replaceChildren(...photos.map((blob) => {
        const img = document.createElement("img");
        img.src = URL.createObjectURL(blob);
        return img;
      }));
    });
    return { take: () => photos.slice(), clear: () => { photos = []; thumbs.replaceChildren(); } };
  }

  // --- report ----------------------------------------------------------------------------------------------
  const mapEl = $("field-map");
  const geo = CityGeo.forMap(mapEl);
  // The marker's images by their (hashed) static names, which the service worker keeps for offline use.
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({ iconUrl: mapEl.dataset.icon, iconRetinaUrl: mapEl.dataset.icon2x, shadowUrl: mapEl.dataset.shadow });
  const reportMap = L.map(mapEl, { attributionControl: !!mapEl.dataset.tiles, zoomControl: false }).setView([31.57, 120.30], 15);
  geo.baseLayer(reportMap);
  fetch(mapEl.dataset.outlines, { credentials: "same-origin" }).then((r) => r.json()).then((outlines) => {
    geo.geojson(outlines, {
      style: { color: "#52606d", weight: 1, fillOpacity: 0.03 },
      onEachFeature: (f, l) => l.bindTooltip(f.properties.name),
      interactive: false,
    }).addTo(reportMap);
  }).catch(() => {});
  let marker = null, position = null, moved = false;

  function place(lng, lat, accuracy) {
    position = { lng, lat, accuracy };
    const latlng = geo.show(lng, lat);
    if (!marker) {
      marker = L.marker(latlng, { draggable: true }).addTo(reportMap);
      marker.on("dragend", () => {
        const [x, y] = geo.store(marker.getLatLng());
        moved = true;
        position = { lng: x, lat: y, accuracy: 0 };
        $("gps").textContent = T.moved;
        lookUp();
      });
    } else marker.setLatLng(latlng);
    reportMap.setView(latlng, Math.max(reportMap.getZoom(), 17));
  }

  let address = "";
  async function lookUp() {
    if (!position || !navigator.onLine) return;
    address = "";
    try {
      const r = await fetch(`/api/gis/reverse/?longitude=${position.lng.toFixed(7)}&latitude=${position.lat.toFixed(7)}`, { credentials: "same-origin" });
      const found = await r.json();
      if (r.ok) { address = found.address; $("place").textContent = `${found.district} · ${found.street} · ${found.community} · ${found.grid} · ${found.address}`; }
      else $("place").textContent = Object.values(found).flat().join(" ");
    } catch (e) { $("place").textContent = ""; }
  }

  if (navigator.geolocation) {
    navigator.geolocation.watchPosition((p) => {
      if (moved) return;
      place(p.coords.longitude, p.coords.latitude, p.coords.accuracy);
      const metres = Math.round(p.coords.accuracy);
      $("gps").textContent = fmt(T.accuracy, metres);
      $("gps").className = `small ${metres <= 20 ? "good" : metres <= 50 ? "fair" : "poor"}`;
      if (!address) lookUp();
    }, () => { $("gps").textContent = T.no_gps; }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
  }
  reportMap.on("click", (e) => {
    const [x, y] = geo.store(e.latlng);
    moved = true;
    place(x, y, 0);
    $("gps").textContent = T.moved;
    lookUp();
  });

  const before = photoPicker($("photos"), $("thumbs"));
  const after = photoPicker($("after-photos"), $("after-thumbs"));
  $("self-handled").addEventListener("change", (e) => { $("after").hidden = !e.target.checked; });

  // Category by search: Chinese, pinyin initials or whole syllables, or the code; recent, then frequent, first.
  const byId = new Map(data.categories.map((c) => [c.id, c]));
  const recent = () => JSON.parse(localStorage.getItem("field-recent-categories") || "[]");
  function candidates(query) {
    const q = query.trim().toLowerCase();
    const first = [...new Set([...recent(), ...data.frequent])].map((id) => byId.get(id)).filter(Boolean);
    if (!q) return first.length ? first.slice(0, 8) : data.categories.slice(0, 8);
    const hit = (c) => c.name.includes(q) || c.code.startsWith(q) || c.major.includes(q)
      || c.spelled.split(" ").some((s) => s.startsWith(q));
    const rank = (c) => (first.includes(c) ? 0 : 1);
    return data.categories.filter(hit).sort((a, b) => rank(a) - rank(b)).slice(0, 8);
  }
  function showCandidates() {
    const chosen = Number($("category").value);
    $("category-list").replaceChildren(...candidates($("category-search").value).map((c) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = c.id === chosen ? "choice chosen" : "choice";
      button.textContent = `${c.name}`;
      button.title = `${c.code} ${c.major}`;
      button.addEventListener("click", () => {
        $("category").value = c.id;
        $("category-search").value = c.name;
        showCandidates();
      });
      return button;
    }));
  }
  $("category-search").addEventListener("input", () => { $("category").value = ""; showCandidates(); });
  showCandidates();

  if ("BarcodeDetector" in window) {
    $("scan").hidden = false;
    $("scan").addEventListener("click", async () => {
      const video = $("scanner");
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        video.srcObject = stream;
        video.hidden = false;
        await video.play();
        const detector = new BarcodeDetector();
        const stop = () => { stream.getTracks().forEach((t) => t.stop()); video.hidden = true; };
        const look = async () => {
          const codes = await detector.detect(video).catch(() => []);
          const digits = codes.map((c) => c.rawValue.replace(/\D/g, "")).find((v) => v.length >= 10);
          if (digits) { $("component").value = digits.slice(0, 17); stop(); } else if (!video.hidden) requestAnimationFrame(look);
        };
        look();
        setTimeout(stop, 20000);
      } catch (e) { banner(T.no_camera); }
    });
  }

  $("report").addEventListener("submit", async (event) => {
    event.preventDefault();
    const category = byId.get(Number($("category").value));
    const photos = before.take(), fixed = after.take();
    const selfHandled = $("self-handled").checked;
    const problem = !category ? T.need_category : !position ? T.need_place : !photos.length ? T.need_photo
      : selfHandled && !fixed.length ? T.need_after : "";
    $("report-error").textContent = problem;
    $("report-error").hidden = !problem;
    if (problem) return;
    const fields = {
      source: "supervisor",
      category: category.id,
      description: $("description").value.trim() || category.name,
      longitude: position.lng.toFixed(7),
      latitude: position.lat.toFixed(7),
      urgency: document.querySelector("[name=urgency]:checked").value,
      component_code: $("component").value.trim(),
      self_handled: selfHandled ? "true" : "false",
      address,
    };
    const files = photos.map((blob, i) => ({ field: "photos", name: `photo-${i + 1}.jpg`, blob }))
      .concat(fixed.map((blob, i) => ({ field: "after_photos", name: `after-${i + 1}.jpg`, blob })));
    await enqueue({ kind: "report", url: "/api/cases/", fields, files, label: `${T.report}: ${category.name}` });
    localStorage.setItem("field-recent-categories", JSON.stringify([category.id, ...recent().filter((id) => id !== category.id)].slice(0, 5)));
    event.target.reset();
    before.clear();
    after.clear();
    $("after").hidden = true;
    $("category").value = "";
    moved = false;
    showCandidates();
    banner(navigator.onLine ? T.sending : T.saved_offline);
  });

  // --- tasks -----------------------------------------------------------------------------------------------
  const KINDS = {
    verify: { title: T.verify, yes: T.found, no: T.not_found, answer: (yes) => ({ found: yes ? "true" : "false" }) },
    check: { title: T.check, yes: T.fixed, no: T.not_fixed, answer: (yes) => ({ fixed: yes ? "true" : "false" }) },
    recheck: { title: T.recheck, yes: T.still_fixed, no: T.recurred, answer: (yes) => ({ result: yes ? "fixed" : "recurred" }) },
  };

  async function getJSON(url) {
    const token = await meta.get("token");
    const options = token ? { headers: { Authorization: `Token ${token.key}` }, credentials: "omit" } : { credentials: "same-origin" };
    try {
      const r = await fetch(url, options);
      if (!r.ok) return [];
      const answer = await r.json();
      return Array.isArray(answer) ? answer : answer.results || [];
    } catch (e) { return []; }
  }

  function light(deadline) {
    if (!deadline) return "";
    const left = new Date(deadline) - Date.now();
    return left < 0 ? "red" : left < 2 * 3600 * 1000 ? "yellow" : "green";
  }

  let loading = null;
  function loadTasks() {  // one load at a time; a card being answered is kept as it is
    loading = loading || readTasks().finally(() => { loading = null; });
    return loading;
  }

  async function readTasks() {
    await authToken();
    const [verify, check, rechecks, patrolTasks] = await Promise.all([
      getJSON("/api/cases/?queue=verify"), getJSON("/api/cases/?queue=check"),
      getJSON("/api/sampling/rechecks/?mine=1&open=1"), getJSON(`/api/sampling/tasks/?mine=1&day=${today()}`),
    ]);
    const answered = (await meta.get("answered")) || [];
    const cards = [
      ...verify.map((c) => card("verify", c.id, c.number, c.category.name, c.address || c.description, c.stage_deadline, c.longitude, c.latitude)),
      ...check.map((c) => card("check", c.id, c.number, c.category.name, c.address || c.description, c.stage_deadline, c.longitude, c.latitude)),
      ...rechecks.map((r) => card("recheck", r.id, r.case_number, r.category, r.address || r.description, r.due_on ? `${r.due_on}T18:00:00` : null, r.longitude, r.latitude)),
    ].filter((el) => !answered.includes(el.dataset.task)).map((el) => {
      const shown = [...$("tasks").querySelectorAll("article.task")].find((s) => s.dataset.task === el.dataset.task);
      return shown && shown.querySelector("details").open ? shown : el;
    });
    $("tasks").replaceChildren(...(cards.length ? cards : [Object.assign(document.createElement("p"), { className: "muted", textContent: T.no_tasks })]));
    $("task-count").textContent = String(cards.length);
    $("task-count").hidden = !cards.length;
    $("tasks-updated").textContent = fmt(T.updated, new Date().toLocaleTimeString());
    $("patrol-tasks").replaceChildren(...patrolTasks.map((t) => {
      const p = document.createElement("p");
      p.textContent = `${t.sample_name} · ${t.starts_on} – ${t.ends_on}`;
      return p;
    }));
  }

  function card(kind, id, number, category, where, deadline, lng, lat) {
    const spec = KINDS[kind];
    const el = $("task-card").content.firstElementChild.cloneNode(true);
    el.dataset.task = `${kind}:${id}`;
    el.querySelector(".light").className = `light ${light(deadline)}`;
    el.querySelector(".title").textContent = `${spec.title} · ${number} · ${category}`;
    el.querySelector(".due").textContent = deadline ? new Date(deadline).toLocaleString() : "";
    el.querySelector(".what").textContent = where || "";
    el.querySelector(".yes").textContent = spec.yes;
    el.querySelector(".no").textContent = spec.no;
    el.querySelector("details").addEventListener("toggle", (e) => {
      const box = el.querySelector(".task-map");
      if (!e.target.open || box.dataset.drawn || lng == null) return;
      box.dataset.drawn = "1";
      const m = L.map(box, { attributionControl: false, zoomControl: false }).setView(geo.show(lng, lat), 17);
      geo.baseLayer(m);
      L.marker(geo.show(lng, lat)).addTo(m);
    });
    const input = el.querySelector("input[type=file]");
    const answer = async (yes) => {
      const photo = input.files[0] ? await shrink(input.files[0]) : null;
      if (kind === "recheck" && !photo) { banner(T.need_photo); return; }
      const fields = { ...spec.answer(yes), note: el.querySelector("textarea").value.trim() };
      const field = kind === "recheck" ? "photo" : "photos";
      const url = kind === "recheck" ? `/api/sampling/rechecks/${id}/record/` : `/api/cases/${id}/${kind}/`;
      await enqueue({
        kind: kind === "recheck" ? "recheck" : "action", url, fields,
        files: photo ? [{ field, name: "task.jpg", blob: photo }] : [],
        label: `${spec.title} ${number}: ${yes ? spec.yes : spec.no}`,
      });
      const answered = (await meta.get("answered")) || [];
      await meta.set("answered", [el.dataset.task, ...answered].slice(0, 200));
      el.remove();
      banner(navigator.onLine ? T.sending : T.saved_offline);
    };
    el.querySelector(".yes").addEventListener("click", () => answer(true));
    el.querySelector(".no").addEventListener("click", () => answer(false));
    return el;
  }

  // New tasks arrive over the platform's WebSocket while the app is open.
  function listen() {
    if (!window.WebSocket) return;
    let retry = 1000;
    (function connect() {
      const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/events/`);
      socket.onopen = () => { retry = 1000; };
      socket.onmessage = (event) => {
        const notice = JSON.parse(event.data);
        if (notice.kind === "task") { banner(`${T.new_task} ${notice.message}`); loadTasks(); }
      };
      socket.onclose = () => { setTimeout(connect, retry); retry = Math.min(retry * 2, 60000); };
    })();
  }

  // --- patrol ----------------------------------------------------------------------------------------------
  let patrol = null, watch = null, fixes = [];
  async function keepFixes() {
    if (!fixes.length || !patrol) return;
    const batch = fixes.splice(0, fixes.length);
    await enqueue({ kind: "points", url: "/api/sampling/patrols/{patrol}/points/", patrolKey: patrol.key, json: { points: batch }, label: T.patrol });
  }
  function showPatrol() {
    $("patrol-toggle").textContent = patrol ? T.stop_patrol : T.start_patrol;
    $("patrol-state").textContent = patrol ? fmt(T.patrolling, new Date(patrol.started).toLocaleTimeString(), patrol.count || 0) : "";
  }
  function follow() {
    if (!navigator.geolocation || watch !== null) return;
    watch = navigator.geolocation.watchPosition((p) => {
      fixes.push({ t: new Date(p.timestamp).toISOString(), lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy });
      patrol.count = (patrol.count || 0) + 1;
      meta.set("patrol", patrol);
      showPatrol();
      if (fixes.length >= 50) keepFixes();
    }, () => banner(T.no_gps), { enableHighAccuracy: true, maximumAge: 5000 });
  }
  $("patrol-toggle").addEventListener("click", async () => {
    if (!patrol) {
      patrol = { key: newKey(), started: Date.now(), count: 0 };
      await meta.set("patrol", patrol);
      await enqueue({ kind: "patrol-start", url: "/api/sampling/patrols/", patrolKey: patrol.key, json: { key: patrol.key }, label: T.start_patrol });
      follow();
    } else {
      await keepFixes();
      await enqueue({ kind: "patrol-finish", url: "/api/sampling/patrols/{patrol}/finish/", patrolKey: patrol.key, json: {}, label: T.stop_patrol });
      if (watch !== null) navigator.geolocation.clearWatch(watch);
      watch = null;
      patrol = null;
      await meta.del("patrol");
    }
    showPatrol();
  });
  setInterval(keepFixes, 30000);
  window.addEventListener("pagehide", keepFixes);

  // --- start -----------------------------------------------------------------------------------------------
  (async () => {
    patrol = (await meta.get("patrol")) || null;
    if (patrol) follow();
    showPatrol();
    showNetwork();
    await showOutbox();
    flush();
    loadTasks();
    listen();
  })();
  window.addEventListener("online", () => { showNetwork(); flush(); loadTasks(); });
  window.addEventListener("offline", showNetwork);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) flush(); });
  setInterval(flush, 20000);
  $("send-now").addEventListener("click", flush);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope });
})();
