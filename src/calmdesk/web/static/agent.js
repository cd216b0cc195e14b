// The agent's own socket (/ws/agent), on every console page: a break granted by a supervisor
// shows at once, wherever the agent is (the start page, a contact, its summary).
"use strict";

(() => {
  const data = CalmDesk.data("agent-data");
  const notice = document.getElementById("break-notice");
  if (!data || !notice) return;
  const L = data.labels;

  function showBreak(message) {
    if (!message) return;
    const from = message.granted_at ? new Date(message.granted_at) : new Date();
    const until = new Date(from.getTime() + message.minutes * 60000);
    if (until <= new Date()) return;
    const time = until.toLocaleTimeString(document.documentElement.lang,
      { hour: "2-digit", minute: "2-digit", timeZone: data.timezone || undefined });
    notice.textContent = L.break_granted
      .replace("{name}", message.granted_by_name || L.supervisor)
      .replace("{minutes}", message.minutes)
      .replace("{time}", time);
    notice.dataset.minutes = String(message.minutes);
    notice.hidden = false;
    clearTimeout(showBreak.timer);
    showBreak.timer = setTimeout(() => { notice.hidden = true; }, until - new Date());
  }

  CalmDesk.socket("/ws/agent", (message) => {
    if (message.type === "snapshot") showBreak(message.break_granted);
    else if (message.type === "break_granted") showBreak(message);
  });
})();
