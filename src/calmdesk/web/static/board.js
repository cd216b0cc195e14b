// The supervisor board: live contacts and alerts from /ws/board, no reload. Text from contacts
// and alerts is set with textContent only.
"use strict";

(() => {
  const data = CalmDesk.data("board-data");
  const L = data.labels;
  const el = CalmDesk.el;
  const $ = (id) => document.getElementById(id);
  const FEED_LIMIT = 100;

  function upsertContact(message) {
    const body = $("live-contacts");
    const id = String(message.contact_id);
    let row = body.querySelector(`tr[data-contact-id="${CSS.escape(id)}"]`);
    if (message.status && message.status !== "live") {
      if (row) row.remove();
      return;
    }
    if (!row) {
      row = el("tr", { dataset: { contactId: id } },
        el("td", {}, el("a", { href: `/console/${encodeURIComponent(id)}` }, id)),
        el("td", {}), el("td", {}), el("td", { class: "heat-cell" }), el("td", { class: "rung-cell" }),
        el("td", { class: "stage-cell" }), el("td", { class: "alerts-cell" }));
      body.prepend(row);
    }
    const cells = row.children;
    cells[1].textContent = message.agent_name || message.agent || "";
    cells[2].textContent = L.channels[message.channel] || message.channel || "";
    cells[3].textContent = `${Math.round((message.heat || 0) * 100)}%`;
    cells[4].textContent = L.stages[message.rung] || "—";
    cells[5].textContent = L.stages[message.stage] || message.stage || "—";
    row.dataset.rung = message.rung || "";
    row.dataset.stage = message.stage || "";
    cells[6].replaceChildren(...(message.alerts || []).map((kind) =>
      el("span", { class: "badge bad", dataset: { kind } }, L.alerts[kind] || kind)));
  }

  // The alert's words are composed here, in the reader's language: the message it carries is
  // in the agent's.
  function addAlert(message) {
    const feed = $("alert-feed");
    const time = new Date().toLocaleTimeString();
    const contact = message.contact_id ? `#${message.contact_id} ` : "";
    const details = [message.agent_name || message.agent];
    if (message.kind === "break_recommended" && message.minutes) {
      details.push(L.break_recommended.replace("{minutes}", message.minutes));
    }
    feed.prepend(el("li", { dataset: { kind: message.kind || "", contactId: message.contact_id || "" } },
      el("span", { class: "muted small" }, `${time} `),
      el("a", { href: message.contact_id ? `/console/${encodeURIComponent(message.contact_id)}` : "#" }, contact),
      el("strong", {}, L.alerts[message.kind] || ""),
      ` — ${details.filter(Boolean).join(", ")}`));
    while (feed.children.length > FEED_LIMIT) feed.lastChild.remove();
  }

  // The break list has one row per agent; it is reloaded (htmx, /board/breaks) whenever a break
  // is recommended, asked for or granted, and the granted row says so at once.
  const BREAK_ALERTS = new Set(["break_recommended", "break_requested"]);
  const reloadBreaks = () => document.body.dispatchEvent(new Event("breaks-changed"));

  function breakGranted(message) {
    const item = $("breaks").querySelector(`li[data-agent="${CSS.escape(String(message.agent))}"]`);
    if (item) {
      const agent = item.dataset.agentName || message.agent;
      item.replaceChildren(L.break_granted.replace("{agent}", agent).replace("{minutes}", message.minutes));
      item.dataset.granted = String(message.minutes);
    }
  }

  CalmDesk.socket("/ws/board", (message) => {
    if (message.type === "snapshot") {
      // Sent on every (re)connection: the live contacts as they are now.
      const live = new Set((message.contacts || []).map((c) => String(c.contact_id)));
      for (const row of [...$("live-contacts").querySelectorAll("tr[data-contact-id]")]) {
        if (!live.has(row.dataset.contactId)) row.remove();
      }
      for (const contact of message.contacts || []) upsertContact(contact);
    } else if (message.type === "contact_update") upsertContact(message);
    else if (message.type === "alert") {
      addAlert(message);
      if (BREAK_ALERTS.has(message.kind)) reloadBreaks();
    } else if (message.type === "break_granted") breakGranted(message);
  }, (status) => {
    $("connection").textContent = status === "open" ? L.connected : L.disconnected;
    $("connection").dataset.status = status;
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-grant-break]");
    if (!button) return;
    button.disabled = true;
    try {
      breakGranted(await CalmDesk.postJSON(`/api/contacts/${encodeURIComponent(button.dataset.grantBreak)}/break`, {}));
    } catch (error) {
      button.disabled = false;
      button.after(el("span", { class: "small", role: "alert" }, ` ${error.message}`));
    }
  });
})();
