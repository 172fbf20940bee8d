// Live notices: one WebSocket per open page; each pushed notice shows as a toast and bumps the badge.
(function () {
  const badge = document.getElementById("notice-count");
  if (!badge || !window.WebSocket) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  let retry = 1000;
  function connect() {
    const socket = new WebSocket(`${scheme}://${location.host}/ws/events/`);
    socket.onopen = () => { retry = 1000; };
    socket.onmessage = (event) => {
      const notice = JSON.parse(event.data);
      badge.textContent = String((parseInt(badge.textContent, 10) || 0) + 1);
      badge.hidden = false;
      const toast = document.createElement("a");
      toast.className = "toast";
      toast.textContent = notice.message;
      toast.href = notice.case ? `/cases/${notice.case}/` : "/notifications/";
      document.body.appendChild(toast);
      setTimeout(() => toast.remove(), 8000);
    };
    socket.onclose = () => { setTimeout(connect, retry); retry = Math.min(retry * 2, 60000); };
  }
  connect();
})();
