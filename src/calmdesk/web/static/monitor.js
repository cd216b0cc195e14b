// The supervisor's monitor of another agent's contact: read only. It listens to
// /ws/contacts/{id} and never sends a line, an action or an end (the server refuses them too,
// until the supervisor takes the contact over). Whisper and take over go through the REST API.
// Every customer or agent text is set with textContent, never as HTML.
"use strict";

(() => {
  const data = CalmDesk.data("monitor-data");
  const L = data.labels;
  const el = CalmDesk.el;
  const $ = (id) => document.getElementById(id);
  const contactId = data.contact_id;
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, name) => (values[name] ?? all));

  function renderEvent(event) {
    const kind = event.type || event.kind || "";
    const list = $("transcript");
    let item;
    if (kind === "whisper") {
      item = el("li", { class: "whisper", dataset: { kind } },
        el("span", { class: "who" }, fill(L.whisper_from, { name: event.by_name || event.by || "" }) + ":"),
        el("bdi", { dir: "auto" }, String(event.text || "")));
    } else if (kind === "taken_over") {
      item = el("li", { class: "action", dataset: { kind } }, "— " + fill(L.taken_over, { name: event.by_name || event.by || "" }));
    } else if (kind === "agent_did" || kind === "action") {
      item = el("li", { class: "action", dataset: { kind: "agent_did" } }, "— " + (L.actions[event.action] || event.action || ""));
    } else {
      const speaker = event.speaker || (kind === "agent_said" ? "agent" : "customer");
      item = el("li", { class: speaker, dataset: { kind: speaker } },
        el("span", { class: "who" }, (L.speakers[speaker] || speaker) + ":"),
        el("bdi", { dir: "auto" }, String(event.text || "")));
    }
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  function renderGuidance(guidance) {
    if (!guidance) return;
    const items = [...$("ladder").querySelectorAll("li")];
    const index = items.findIndex((li) => li.dataset.stage === guidance.rung);
    items.forEach((li, i) => {
      li.classList.toggle("current", i === index);
      li.classList.toggle("passed", index >= 0 && i < index);
    });
    $("ladder").dataset.rung = guidance.rung || "";
    $("stage").textContent = L.stages[guidance.stage] || "";
    $("stage").dataset.stage = guidance.stage || "";
    const suggestions = guidance.suggestions || [];
    $("suggestions").replaceChildren(...(suggestions.length
      ? suggestions.map((s) => el("li", { dataset: { step: s.step || "" } },
        el("span", { class: "text" }, el("bdi", { dir: "auto" }, s.text || ""),
          data.explanations ? el("span", { class: "why" }, s.why || "") : null)))
      : [el("li", { class: "muted" }, L.no_suggestions)]));
    const alerts = guidance.alerts || [];
    $("alerts").replaceChildren(...(alerts.length
      ? alerts.map((a) => el("li", { dataset: { kind: a.kind } }, el("strong", {}, L.alerts[a.kind] || "")))
      : [el("li", { class: "info" }, L.no_alerts)]));
    const box = $("end-call");
    box.dataset.allowed = guidance.may_end_call ? "true" : "false";
    box.classList.toggle("allowed", !!guidance.may_end_call);
    box.classList.toggle("not-allowed", !guidance.may_end_call);
    $("end-call-verdict").textContent = guidance.may_end_call ? L.may_end_call : L.may_not_end_call;
    $("end-call-why").textContent = data.explanations ? guidance.end_call_reason || "" : "";
    const signals = guidance.signals;
    if (signals) {
      const heat = $("heat");
      heat.className = "heat " + (signals.level || "calm");
      heat.textContent = `${L.levels[signals.level] || ""} ${Math.round(Math.max(signals.anger || 0, signals.abuse || 0) * 100)}%`;
    }
    document.body.dataset.guidanceSeq = String(Number(document.body.dataset.guidanceSeq || 0) + 1);
  }

  function ended() {
    $("supervise-panel").hidden = true;
    $("ended-notice").hidden = false;
    $("ended-notice").textContent = L.ended;
  }

  function takenOver(message) {
    const badge = $("taken-over");
    badge.className = "badge warn";
    badge.textContent = fill(L.taken_over, { name: message.by_name || message.by || "" });
  }

  CalmDesk.socket(`/ws/contacts/${contactId}`, (message) => {
    if (message.type === "guidance") {
      if (message.event) renderEvent(message.event);
      renderGuidance(message);
    } else if (message.type === "whisper") {
      renderEvent(message);
    } else if (message.type === "taken_over") {
      renderEvent(message);
      takenOver(message);
    } else if (message.type === "summary") {
      ended();
    } else if (message.type === "snapshot") {
      if (message.guidance) renderGuidance(message.guidance);
      if (message.contact && message.contact.status === "ended") ended();
    }
  }, (status) => {
    $("connection").textContent = status === "open" ? L.connected : L.disconnected;
    $("connection").dataset.status = status;
  });

  $("whisper-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("whisper-text").value.trim();
    if (!text) return;
    $("whisper-error").textContent = "";
    try {
      await CalmDesk.postJSON(`/api/contacts/${contactId}/whisper`, { text });
      $("whisper-text").value = "";
      document.body.dataset.whispers = String(Number(document.body.dataset.whispers || 0) + 1);
    } catch (error) {
      $("whisper-error").textContent = `${L.error}: ${error.message}`;
    }
    $("whisper-text").focus();
  });

  $("take-over").addEventListener("click", async () => {
    if (!window.confirm(L.confirm_take_over)) return;
    try {
      await CalmDesk.postJSON(`/api/contacts/${contactId}/take-over`, {});
      $("take-over").hidden = true;
      $("open-console").hidden = false;
      $("open-console").focus();
    } catch (error) {
      $("whisper-error").textContent = `${L.error}: ${error.message}`;
    }
  });

  const state = data.state || {};
  for (const event of state.events || []) renderEvent(event);
  renderGuidance(state.guidance || { stage: "listen", suggestions: [], alerts: [], may_end_call: false });
  if (!state.live) ended();
})();
