// The supervisor board, live from /ws/board without a reload: the live contacts (heat on a
// colour scale, one "where it stands" column), today's stored alerts loudest first with an
// "acknowledge" button, and the approvals and deadlines sections re-read when they change.
// Text from contacts and alerts is set with textContent only; every word is composed here in
// the reader's language from the alert's kind and params (never the agent's wording).
"use strict";

(() => {
  const data = CalmDesk.data("board-data");
  const L = data.labels;
  const el = CalmDesk.el;
  const $ = (id) => document.getElementById(id);
  const FEED_LIMIT = 300;
  const HEAT_BANDS = 6;
  const alerts = new Map(); // alert_id (or a local key) -> alert message
  let localKey = 0;

  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (all, name) => (values[name] !== undefined && values[name] !== null ? String(values[name]) : all));
  const timeFormat = new Intl.DateTimeFormat(data.lang || undefined, {
    hour: "2-digit", minute: "2-digit", timeZone: data.timezone || undefined,
  });
  const timeOf = (value) => {
    const moment = value ? new Date(value) : new Date();
    return Number.isNaN(moment.getTime()) ? "" : timeFormat.format(moment);
  };
  const severityOf = (alert) => alert.severity ?? data.severity[alert.kind] ?? data.unlisted;

  // -- live contacts ------------------------------------------------------------------------

  function heatCell(cell, heat) {
    const value = Math.max(0, Math.min(1, Number(heat) || 0));
    const band = Math.min(HEAT_BANDS - 1, Math.floor(value * HEAT_BANDS));
    cell.replaceChildren(el("span", { class: `heat-scale heat-band-${band}`, dataset: { band: String(band) } },
      `${Math.round(value * 100)}%`));
  }

  function stageCell(cell, message) {
    // One indicator: the step the coach is at, and how far up the ladder the contact has been.
    const parts = [L.stages[message.stage] || L.stages[message.rung] || "—"];
    const index = data.ladder.indexOf(message.rung);
    const children = [el("span", { class: "stage-name" }, parts[0])];
    if (index >= 0) {
      children.push(" ", el("span", { class: "rung-meter small muted" },
        fill(L.rung_of, { number: index + 1, total: data.ladder.length })));
    }
    if (message.taken_over_by_name) {
      children.push(" ", el("span", { class: "badge warn small", dataset: { takenOver: "true" } },
        fill(L.taken_over, { name: message.taken_over_by_name })));
    }
    cell.replaceChildren(...children);
  }

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
        el("td", {}, el("a", { href: `/board/contacts/${encodeURIComponent(id)}`, title: L.monitor }, id)),
        el("td", {}), el("td", {}), el("td", { class: "heat-cell" }), el("td", { class: "stage-cell" }),
        el("td", { class: "alerts-cell" }));
      body.prepend(row);
    }
    const cells = row.children;
    cells[1].textContent = message.agent_name || message.agent || "";
    cells[2].textContent = L.channels[message.channel] || message.channel || "";
    heatCell(cells[3], message.heat);
    stageCell(cells[4], message);
    row.dataset.rung = message.rung || "";
    row.dataset.stage = message.stage || "";
    row.dataset.heat = String(message.heat || 0);
    const kinds = [...(message.alerts || [])].sort((a, b) => (data.severity[b] ?? data.unlisted) - (data.severity[a] ?? data.unlisted));
    cells[5].replaceChildren(...kinds.map((kind) =>
      el("span", { class: `badge ${(data.severity[kind] ?? 0) >= data.critical ? "critical" : "bad"}`, dataset: { kind } }, L.alerts[kind] || L.alert)));
  }

  // -- alerts -------------------------------------------------------------------------------

  const BOARD_WORDED = new Set(["break_recommended", "break_requested", "rung_climbed"]);

  function words(alert) {
    const details = [alert.agent_name || alert.agent];
    const params = alert.params || {};
    const minutes = alert.minutes ?? params.minutes;
    if (alert.kind === "break_recommended" && minutes) details.push(fill(L.break_recommended, { minutes }));
    if (alert.kind === "rung_climbed" && params.rung) details.push(fill(L.rung_climbed, { rung: L.stages[params.rung] || L.alert }));
    // The coach's own message (already in this reader's language): a safety procedure's words,
    // the abuse quoted, why an early end was not allowed. Breaks are said by the board itself.
    if (alert.message && !BOARD_WORDED.has(alert.kind)) details.push(alert.message);
    return details.filter(Boolean).join(", ");
  }

  function alertItem(alert) {
    const severity = severityOf(alert);
    const critical = severity >= data.critical;
    const contact = alert.contact_id ? `#${alert.contact_id} ` : "";
    const acknowledged = !!alert.acknowledged_at;
    const item = el("li", {
      class: `alert-item${critical ? " critical" : ""}${acknowledged ? " acknowledged" : ""}`,
      dataset: {
        kind: alert.kind || "", contactId: alert.contact_id || "", alertId: alert.alert_id || "",
        severity: String(severity), acknowledged: acknowledged ? "true" : "false",
      },
    },
    el("span", { class: "muted small" }, `${timeOf(alert.at)} `),
    el("a", { href: alert.contact_id ? `/board/contacts/${encodeURIComponent(alert.contact_id)}` : "#" }, contact),
    el("strong", {}, L.alerts[alert.kind] || L.alert),
    ` — ${words(alert)} `);
    if (acknowledged) {
      item.append(el("span", { class: "small muted ack" },
        fill(L.acknowledged, { name: alert.acknowledged_by_name || alert.acknowledged_by || "", time: timeOf(alert.acknowledged_at) })));
    } else if (alert.alert_id) {
      item.append(el("button", { type: "button", class: "secondary small", "data-acknowledge": alert.alert_id }, L.acknowledge));
    }
    return item;
  }

  function order(a, b) {
    // Unacknowledged first, then the loudest, then the newest.
    const ackA = a.acknowledged_at ? 1 : 0;
    const ackB = b.acknowledged_at ? 1 : 0;
    if (ackA !== ackB) return ackA - ackB;
    const bySeverity = severityOf(b) - severityOf(a);
    if (bySeverity) return bySeverity;
    return String(b.at || "").localeCompare(String(a.at || ""));
  }

  function renderAlerts() {
    const all = [...alerts.values()].sort(order).slice(0, FEED_LIMIT);
    const feed = $("alert-feed");
    feed.replaceChildren(...(all.length ? all.map(alertItem) : [el("li", { class: "muted" }, L.no_alerts)]));
    const urgent = all.filter((a) => !a.acknowledged_at && severityOf(a) >= data.critical);
    $("urgent-feed").replaceChildren(...urgent.map(alertItem));
    $("urgent").hidden = urgent.length === 0;
  }

  function addAlert(alert) {
    alerts.set(alert.alert_id ? `id:${alert.alert_id}` : `local:${(localKey += 1)}`, { at: new Date().toISOString(), ...alert });
  }

  function acknowledged(message) {
    const alert = alerts.get(`id:${message.alert_id}`);
    if (!alert) return;
    alerts.set(`id:${message.alert_id}`, { ...alert, ...message, type: "alert" });
    renderAlerts();
  }

  // -- breaks (the break list is another section's: only the granted message is handled) ---

  // The break list has one row per agent; it is reloaded (htmx, /board/breaks) whenever a break
  // is recommended, asked for or granted, and the granted row says so at once.
  const BREAK_ALERTS = new Set(["break_recommended", "break_requested"]);
  const reloadBreaks = () => document.body.dispatchEvent(new Event("breaks-changed"));

  function breakGranted(message) {
    const item = $("breaks").querySelector(`li[data-agent="${CSS.escape(String(message.agent))}"]`);
    if (!item) return;
    item.dataset.granted = String(message.minutes);
    const agent = item.dataset.agentName || message.agent;
    item.replaceChildren(fill(L.break_granted, { agent, minutes: message.minutes }));
  }

  // -- approvals and deadlines, re-read when a commit changed them ---------------------------

  const refreshing = {};
  function refresh(section) {
    clearTimeout(refreshing[section]);
    refreshing[section] = setTimeout(async () => {
      const current = document.querySelector(`[data-section="${CSS.escape(section)}"]`);
      if (!current) return;
      try {
        const response = await fetch(`/board/sections/${encodeURIComponent(section)}`, { credentials: "same-origin" });
        if (!response.ok) return;
        const html = await response.text();
        // Our own server-rendered, autoescaped fragment (the CSP forbids any script in it).
        const parsed = new DOMParser().parseFromString(html, "text/html");
        const fresh = parsed.querySelector(`[data-section="${CSS.escape(section)}"]`);
        if (!fresh) return;
        current.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
        document.body.dataset[`${section}Refreshed`] = String(Number(document.body.dataset[`${section}Refreshed`] || 0) + 1);
      } catch (_) {
        // The next change, or the timer below, tries again.
      }
    }, 300);
  }
  // Deadlines also move with the clock alone (a case becomes due within a day).
  setInterval(() => refresh("deadlines"), 60_000);

  CalmDesk.socket("/ws/board", (message) => {
    if (message.type === "snapshot") {
      // Sent on every (re)connection: the live contacts as they are now and today's alerts.
      const live = new Set((message.contacts || []).map((c) => String(c.contact_id)));
      for (const row of [...$("live-contacts").querySelectorAll("tr[data-contact-id]")]) {
        if (!live.has(row.dataset.contactId)) row.remove();
      }
      for (const contact of message.contacts || []) upsertContact(contact);
      if (message.alerts) {
        for (const [key, alert] of [...alerts]) if (alert.alert_id) alerts.delete(key);
        for (const alert of message.alerts) addAlert(alert);
        renderAlerts();
      }
    } else if (message.type === "contact_update") upsertContact(message);
    else if (message.type === "alert") {
      addAlert(message);
      renderAlerts();
      if (BREAK_ALERTS.has(message.kind)) reloadBreaks();
    }
    else if (message.type === "alert_acknowledged") acknowledged(message);
    else if (message.type === "break_granted") breakGranted(message);
    else if (message.type === "board_changed") refresh(message.section);
  }, (status) => {
    $("connection").textContent = status === "open" ? L.connected : L.disconnected;
    $("connection").dataset.status = status;
  });

  document.addEventListener("click", async (event) => {
    const grant = event.target.closest("[data-grant-break]");
    const ack = event.target.closest("[data-acknowledge]");
    const button = grant || ack;
    if (!button) return;
    button.disabled = true;
    try {
      if (grant) {
        breakGranted(await CalmDesk.postJSON(`/api/contacts/${encodeURIComponent(grant.dataset.grantBreak)}/break`, {}));
      } else {
        acknowledged(await CalmDesk.postJSON(`/api/alerts/${encodeURIComponent(ack.dataset.acknowledge)}/acknowledge`, {}));
      }
    } catch (error) {
      button.disabled = false;
      button.after(el("span", { class: "small", role: "alert" }, ` ${error.message}`));
    }
  });

  // The state the page was rendered with.
  for (const contact of data.contacts || []) upsertContact(contact);
  for (const alert of data.alerts || []) addAlert(alert);
  renderAlerts();
})();
