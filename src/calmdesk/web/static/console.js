// The agent console: sends the lines and actions over /ws/contacts/{id} and renders the coach's
// guidance as it arrives. Every customer or agent text is set with textContent, never as HTML.
"use strict";

(() => {
  const data = CalmDesk.data("console-data");
  const L = data.labels;
  const el = CalmDesk.el;
  const $ = (id) => document.getElementById(id);
  const contactId = data.contact_id;
  let ended = false;
  let shownEvents = 0; // lines and actions in the transcript, to notice ones sent elsewhere

  const pick = (object, ...keys) => {
    for (const key of keys) if (object && object[key] !== undefined && object[key] !== null) return object[key];
    return undefined;
  };

  function renderEvent(event) {
    shownEvents += 1;
    const kind = event.type || event.kind || (event.speaker ? "utterance" : "");
    const list = $("transcript");
    let item;
    if (kind === "agent_did" || kind === "action") {
      const action = pick(event, "action");
      item = el("li", { class: "action" }, "— " + (L.actions[action] || action));
    } else {
      const speaker = pick(event, "speaker") || (kind === "agent_said" ? "agent" : "customer");
      item = el("li", { class: speaker },
        el("span", { class: "who" }, (L.speakers[speaker] || speaker) + ":"),
        el("bdi", {}, String(pick(event, "text") || "")));
    }
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  function renderLadder(stage, rung) {
    const items = [...$("ladder").querySelectorAll("li")];
    const index = items.findIndex((li) => li.dataset.stage === rung);
    items.forEach((li, i) => {
      li.classList.toggle("current", i === index);
      li.classList.toggle("passed", index >= 0 && i < index);
      if (i === index) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    $("stage").textContent = L.stages[stage] || stage || "";
    $("stage").dataset.stage = stage || "";
    $("ladder").dataset.rung = rung || "";
  }

  function renderSuggestions(suggestions) {
    const list = $("suggestions");
    list.replaceChildren();
    if (!suggestions || !suggestions.length) {
      list.append(el("li", { class: "muted" }, L.no_suggestions));
      return;
    }
    suggestions.forEach((suggestion, i) => {
      const id = `suggestion-${i}`;
      const text = typeof suggestion === "string" ? suggestion : suggestion.text;
      const step = pick(suggestion, "step", "stage");
      list.append(el("li", { dataset: { step: step || "" } },
        el("span", { class: "text" },
          el("span", { id, dir: "auto" }, text),
          el("span", { class: "why" }, [L.stages[step], pick(suggestion, "why")].filter(Boolean).join(" — "))),
        el("button", { type: "button", class: "secondary", "data-copy-target": id,
          "data-copied-label": L.copied, "aria-label": `${L.copy}: ${text}` }, L.copy)));
    });
  }

  function renderAlerts(alerts) {
    const list = $("alerts");
    list.replaceChildren();
    if (!alerts || !alerts.length) {
      list.append(el("li", { class: "info" }, L.no_alerts));
      return;
    }
    for (const alert of alerts) {
      const kind = typeof alert === "string" ? alert : pick(alert, "kind", "type");
      const message = typeof alert === "string" ? "" : pick(alert, "message") || "";
      const alternative = typeof alert === "string" ? "" : pick(alert, "alternative") || "";
      list.append(el("li", { dataset: { kind } }, el("strong", {}, L.alerts[kind] || kind),
        message ? " — " : "", message ? el("bdi", {}, message) : "",
        alternative ? el("div", { class: "small" }, `${L.instead}: `, el("bdi", {}, alternative)) : null));
    }
  }

  function renderFacts(facts) {
    const list = $("facts");
    list.replaceChildren();
    if (!facts || !facts.length) {
      list.append(el("li", { class: "muted" }, L.no_facts));
      return;
    }
    for (const fact of facts) {
      const kind = pick(fact, "kind");
      const value = pick(fact, "value", "text") || "";
      const said = pick(fact, "text") || "";
      list.append(el("li", {}, el("strong", {}, (L.facts[kind] || kind) + ": "), el("bdi", {}, String(value)),
        said && said !== value ? el("span", { class: "muted small" }, " («", el("bdi", {}, said), "»)") : null));
    }
  }

  function renderEndCall(allowed, why) {
    const box = $("end-call");
    box.classList.toggle("allowed", !!allowed);
    box.classList.toggle("not-allowed", !allowed);
    box.dataset.allowed = allowed ? "true" : "false";
    $("end-call-verdict").textContent = allowed ? L.may_end_call : L.may_not_end_call;
    $("end-call-why").textContent = why || "";
  }

  function renderHeat(level, anger) {
    const heat = $("heat");
    heat.className = "heat " + (level || "calm");
    heat.dataset.level = level || "calm";
    const share = typeof anger === "number" ? ` ${Math.round(anger * 100)}%` : "";
    heat.textContent = (L.levels[level] || level || "") + share;
  }

  function renderGuidance(guidance) {
    if (!guidance) return;
    renderLadder(pick(guidance, "stage"), pick(guidance, "rung"));
    renderSuggestions(pick(guidance, "suggestions"));
    renderAlerts(pick(guidance, "alerts"));
    renderFacts(pick(guidance, "facts"));
    renderEndCall(pick(guidance, "may_end_call"), pick(guidance, "end_call_reason", "may_end_call_why", "end_call_why"));
    // Only the customer's lines carry signals; the agent's own turns keep the last heat.
    const signals = pick(guidance, "signals");
    if (signals) renderHeat(signals.level, Math.max(signals.anger || 0, signals.abuse || 0));
    document.body.dataset.guidanceSeq = String(Number(document.body.dataset.guidanceSeq || 0) + 1);
  }

  /** The end of the contact: ``message`` is the ``{"type": "summary"}`` message (or the stored
   *  summary when the page is opened after the end). */
  function renderSummary(message) {
    ended = true;
    const summary = message.summary || message;
    $("summary-panel").hidden = false;
    $("utterance-form").hidden = true;
    $("actions-panel").hidden = true;
    const list = $("summary");
    list.replaceChildren();
    const percent = (value) => (typeof value === "number" ? `${Math.round(value * 100)}%` : value);
    const rows = [
      [L.outcome, L.outcomes[summary.ended] || summary.ended],
      [L.difficulty, percent(summary.difficulty)],
      [L.insults, summary.abusive_turns],
      [L.top_rung, L.stages[summary.highest_rung] || summary.highest_rung],
    ];
    for (const [name, value] of rows) {
      if (value === undefined || value === null) continue;
      list.append(el("dt", {}, name), el("dd", {}, String(value)));
    }
    const minutes = pick(message, "break_minutes") ?? summary.break_minutes;
    const advice = $("break-recommendation");
    advice.textContent = minutes ? L.break_minutes.replace("{minutes}", minutes) : L.no_break;
    advice.dataset.minutes = String(minutes || 0);
    $("open-case").focus();
  }

  function onMessage(message) {
    const type = message.type;
    if (type === "guidance") {
      // The line travels with its guidance, whoever sent it (this page or an integration).
      if (message.event) renderEvent(message.event);
      renderGuidance(message);
      // Lines missed while the socket was reconnecting: reload the stored ones.
      if (typeof message.turn === "number" && message.turn > shownEvents) reloadTranscript();
    } else if (type === "event") {
      renderEvent(message.event || message);
    } else if (type === "snapshot") {
      // Sent on every (re)connection: the latest guidance, and the summary once ended.
      if (message.guidance) renderGuidance(message.guidance);
      const contact = message.contact || {};
      if (typeof contact.turns === "number" && contact.turns !== shownEvents) reloadTranscript();
      if (contact.summary && !ended) renderSummary({ summary: contact.summary, break_minutes: contact.break_minutes });
    } else if (type === "summary") {
      renderSummary(message);
    } else if (type === "break_granted") {
      $("break-recommendation").textContent = L.break_granted.replace("{minutes}", message.minutes);
    } else if (type === "error") {
      $("send-error").textContent = `${L.error}: ${message.message || ""}`;
    }
  }

  async function reloadTranscript() {
    try {
      const response = await fetch(`/api/contacts/${contactId}`, { credentials: "same-origin" });
      if (!response.ok) return;
      const detail = await response.json();
      $("transcript").replaceChildren();
      shownEvents = 0;
      for (const event of detail.events || []) renderEvent({ type: event.kind, text: event.text, action: event.action });
    } catch (_) {
      // The next guidance tries again.
    }
  }

  const socket = CalmDesk.socket(`/ws/contacts/${contactId}`, onMessage, (status) => {
    $("connection").textContent = status === "open" ? L.connected : L.disconnected;
    $("connection").dataset.status = status;
  });

  async function sendUtterance(speaker, text) {
    $("send-error").textContent = "";
    const message = { type: "utterance", speaker, text };
    if (socket.send(message)) return;
    try {
      onMessage({ type: "guidance", ...(await CalmDesk.postJSON(`/api/contacts/${contactId}/utterances`, { speaker, text })) });
    } catch (error) {
      $("send-error").textContent = `${L.error}: ${error.message}`;
    }
  }

  async function sendAction(action) {
    const message = { type: "action", action };
    if (socket.send(message)) return;
    try {
      onMessage({ type: "guidance", ...(await CalmDesk.postJSON(`/api/contacts/${contactId}/actions`, { action })) });
    } catch (error) {
      $("send-error").textContent = `${L.error}: ${error.message}`;
    }
  }

  const form = $("utterance-form");
  const textArea = $("utterance-text");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textArea.value.trim();
    if (!text || ended) return;
    sendUtterance(new FormData(form).get("speaker"), text);
    textArea.value = "";
    textArea.focus();
  });
  textArea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => sendAction(button.dataset.action));
  }
  $("end-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      renderSummary(await CalmDesk.postJSON(`/api/contacts/${contactId}/end`, {}));
      socket.close();
    } catch (error) {
      $("send-error").textContent = `${L.error}: ${error.message}`;
    }
  });

  // The state the page was rendered with: earlier lines and the latest guidance.
  const state = data.state || {};
  for (const event of state.events || []) renderEvent(event);
  renderGuidance(state.guidance || { stage: "listen", suggestions: [], alerts: [], may_end_call: false });
  if (state.summary) renderSummary({ summary: state.summary, break_minutes: state.break_minutes });
})();
