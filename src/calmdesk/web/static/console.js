// The agent console: sends the lines and actions over /ws/contacts/{id} and renders the coach's
// guidance as it arrives on one card. Every customer or agent text is set with textContent,
// never as HTML.
"use strict";

(() => {
  const data = CalmDesk.data("console-data");
  const L = data.labels;
  const el = CalmDesk.el;
  const $ = (id) => document.getElementById(id);
  const contactId = data.contact_id;
  const HELD = new Set(L.held);
  const CALM_LEVELS = new Set(["calm", "upset"]);
  // What the agent does about each held alert: any ladder action ends an abuse or a threat;
  // a supervisor request is over once a transfer was offered, done or failed.
  const ACTED_ON = {
    supervisor_requested: new Set(["transfer_offered", "transferred", "transfer_failed"]),
  };
  let ended = false;
  let shownEvents = 0; // lines and actions in the transcript, to notice ones sent elsewhere
  let latest = null; // the latest guidance
  const held = new Map(); // kind -> {kind, message, at, active}

  const pick = (object, ...keys) => {
    for (const key of keys) if (object && object[key] !== undefined && object[key] !== null) return object[key];
    return undefined;
  };
  // Times as the company's clock shows them (the playbook's time zone), in the page language.
  const clock = (date) => date.toLocaleTimeString(document.documentElement.lang,
    { hour: "2-digit", minute: "2-digit", timeZone: data.timezone || undefined });
  const focusText = () => { if (!ended) $("utterance-text").focus(); };

  function renderEvent(event) {
    shownEvents += 1;
    const kind = event.type || event.kind || (event.speaker ? "utterance" : "");
    if (kind === "whisper" || kind === "taken_over") return; // whisper.js shows the supervisor's
    const list = $("transcript");
    let item;
    if (kind === "agent_did" || kind === "action" || kind === "step_undone") {
      const action = pick(event, "action");
      const label = kind === "step_undone" && window.CalmDeskHeard
        ? CalmDeskHeard.undoneLabel(action) : (L.actions[action] || action);
      item = el("li", { class: "action", dataset: { action } }, "— " + label);
    } else {
      const speaker = pick(event, "speaker") || (kind === "agent_said" ? "agent" : "customer");
      item = el("li", { class: speaker, dataset: { speaker } },
        el("span", { class: "who" }, (L.speakers[speaker] || speaker) + ":"),
        el("bdi", { dir: "auto" }, String(pick(event, "text") || "")));
    }
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  /** One indicator, one truth: the highlighted rung and "current step" are both ``stage``;
   *  the rungs up to the highest reached (``rung``) are marked as reached. */
  function renderLadder(stage, rung) {
    const items = [...$("ladder").querySelectorAll("li")];
    const reached = items.findIndex((li) => li.dataset.stage === rung);
    items.forEach((li, i) => {
      const current = li.dataset.stage === stage;
      li.classList.toggle("current", current);
      li.classList.toggle("passed", reached >= 0 && i <= reached && !current);
      if (current) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    $("stage").textContent = L.stages[stage] || stage || "";
    $("stage").dataset.stage = stage || "";
    $("ladder").dataset.stage = stage || "";
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
          el("span", { id, class: "phrase", dir: "auto" }, text),
          el("span", { class: "why" }, [L.stages[step], pick(suggestion, "why")].filter(Boolean).join(" — "))),
        el("span", { class: "buttons" },
          el("button", { type: "button", class: "secondary", "data-copy-target": id,
            "data-copied-label": L.copied, "aria-label": `${L.copy}: ${text}` }, L.copy),
          el("button", { type: "button", "data-said": id, "aria-label": `${L.said_this}: ${text}` }, L.said_this))));
    });
  }

  /** Which abuse, threat or supervisor request alerts stay on the card: raised by this turn, or
   *  still on from an earlier one (dimmed) until the customer calms down or the agent acts. */
  function track(event, alerts, level, at) {
    const kind = event.type || event.kind;
    const raised = new Set();
    for (const alert of alerts || []) {
      const alertKind = typeof alert === "string" ? alert : alert.kind;
      if (!HELD.has(alertKind)) continue;
      raised.add(alertKind);
      const previous = held.get(alertKind);
      held.set(alertKind, { kind: alertKind, message: (alert && alert.message) || (previous && previous.message) || "", at });
    }
    const customer = kind === "customer_said" || pick(event, "speaker") === "customer";
    const action = kind === "agent_did" || kind === "action" ? pick(event, "action") : null;
    for (const alertKind of [...held.keys()]) {
      if (raised.has(alertKind)) continue;
      const calmedDown = customer && CALM_LEVELS.has(level) && alertKind !== "supervisor_requested";
      const actedOn = action && (!ACTED_ON[alertKind] || ACTED_ON[alertKind].has(action));
      if (calmedDown || actedOn) held.delete(alertKind);
    }
    return raised;
  }

  function renderAlerts(alerts, raised) {
    const list = $("alerts");
    list.replaceChildren();
    const shown = [];
    for (const alert of alerts || []) {
      const kind = typeof alert === "string" ? alert : pick(alert, "kind", "type");
      if (HELD.has(kind)) continue; // shown below, with its time
      shown.push({ kind, message: typeof alert === "string" ? "" : pick(alert, "message") || "",
        alternative: typeof alert === "string" ? "" : pick(alert, "alternative") || "", active: true });
    }
    for (const item of held.values()) shown.unshift({ ...item, active: raised.has(item.kind) });
    if (!shown.length) {
      list.append(el("li", { class: "info" }, L.no_alerts));
      return;
    }
    for (const alert of shown) {
      const when = alert.at ? el("span", { class: "when small" }, alert.active ? clock(alert.at) : L.since.replace("{time}", clock(alert.at))) : null;
      const done = HELD.has(alert.kind) && !alert.active
        ? el("button", { type: "button", class: "secondary small", "data-handled": alert.kind }, L.handled) : null;
      list.append(el("li", { class: alert.active ? "active" : "held", dataset: { kind: alert.kind, held: alert.active ? "false" : "true" } },
        el("strong", {}, L.alerts[alert.kind] || alert.kind), " ", when,
        alert.message ? el("bdi", { class: "message", title: alert.message }, alert.message) : null,
        alert.alternative ? el("div", { class: "small" }, `${L.instead}: `, el("bdi", {}, alert.alternative)) : null,
        done));
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
      list.append(el("li", {}, el("strong", {}, (L.facts[kind] || kind) + ": "), el("bdi", { dir: "auto" }, String(value)),
        said && said !== value ? el("span", { class: "muted small" }, " («", el("bdi", { dir: "auto" }, said), "»)") : null));
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

  function renderGuidance(guidance, raised) {
    if (!guidance) return;
    latest = guidance;
    renderLadder(pick(guidance, "stage"), pick(guidance, "rung"));
    renderSuggestions(pick(guidance, "suggestions"));
    renderAlerts(pick(guidance, "alerts"), raised || new Set());
    renderFacts(pick(guidance, "facts"));
    renderEndCall(pick(guidance, "may_end_call"), pick(guidance, "end_call_reason"));
    // Only the customer's lines carry signals; the agent's own turns keep the last heat.
    const signals = pick(guidance, "signals");
    if (signals) renderHeat(signals.level, Math.max(signals.anger || 0, signals.abuse || 0));
    if (window.CalmDeskHeard) CalmDeskHeard.guidance(guidance); // heard.js: the agent's steps
    document.body.dataset.guidanceSeq = String(Number(document.body.dataset.guidanceSeq || 0) + 1);
  }

  function reasonText(key, summary) {
    const template = L.end_reasons[key] || "";
    return template.replace("{needed}", data.state.warnings_needed ?? 1)
      .replace("{given}", summary.warnings ?? 0)
      .replace("{rung}", L.stages[summary.highest_rung] || "-");
  }

  /** The end of the contact: ``message`` is the ``{"type": "summary"}`` message (or the stored
   *  summary when the page is opened after the end). */
  function renderSummary(message) {
    ended = true;
    const summary = message.summary || message;
    const endDialog = $("end-dialog");
    if (endDialog.open) endDialog.close();
    $("summary-panel").hidden = false;
    $("utterance-form").hidden = true;
    $("actions-panel").hidden = true;
    const list = $("summary");
    list.replaceChildren();
    const percent = (value) => (typeof value === "number" ? `${Math.round(value * 100)}%` : value);
    let verdict = null;
    if (summary.ended === "hang_up" && typeof summary.end_allowed === "boolean") {
      verdict = `${summary.end_allowed ? L.verdict_allowed : L.verdict_refused}: ${reasonText(summary.end_reason, summary)}`;
    }
    const rows = [
      [L.outcome, L.outcomes[summary.ended] || summary.ended, "outcome"],
      [L.verdict, verdict, "verdict"],
      [L.difficulty, percent(summary.difficulty), "difficulty"],
      [L.insults, summary.abusive_turns, "insults"],
      [L.top_rung, L.stages[summary.highest_rung] || summary.highest_rung, "top-rung"],
    ];
    for (const [name, value, id] of rows) {
      if (value === undefined || value === null) continue;
      list.append(el("dt", {}, name), el("dd", { "data-testid": `summary-${id}` }, String(value)));
    }
    list.dataset.outcome = summary.ended || "";
    const minutes = pick(message, "break_minutes") ?? summary.break_minutes;
    const advice = $("break-recommendation");
    if (!advice.dataset.granted) advice.textContent = minutes ? L.break_minutes.replace("{minutes}", minutes) : L.no_break;
    advice.dataset.minutes = String(minutes || 0);
    if (data.state.break_requested) breakAsked();
    $("open-case").focus();
  }

  function breakAsked() {
    $("ask-break").disabled = true;
    $("ask-break-status").textContent = L.break_asked;
  }

  function breakGranted(minutes) {
    const advice = $("break-recommendation");
    advice.textContent = L.break_granted.replace("{minutes}", minutes);
    advice.dataset.granted = String(minutes);
    $("ask-break").disabled = true;
    $("ask-break-status").textContent = "";
  }

  function onGuidance(message) {
    // The line travels with its guidance, whoever sent it (this page or an integration).
    const event = message.event || {};
    if (message.event) renderEvent(message.event);
    const raised = track(event, message.alerts, message.signals && message.signals.level, new Date());
    renderGuidance(message, raised);
    // Lines missed while the socket was reconnecting: reload the stored ones.
    if (typeof message.turn === "number" && message.turn > shownEvents) reloadTranscript();
  }

  function onMessage(message) {
    const type = message.type;
    document.dispatchEvent(new CustomEvent("calmdesk:contact-message", { detail: message }));
    if (type === "guidance") {
      onGuidance(message);
    } else if (type === "snapshot") {
      // Sent on every (re)connection: the latest guidance, and the summary once ended.
      const contact = message.contact || {};
      if (typeof contact.turns === "number" && contact.turns !== shownEvents) reloadTranscript();
      else if (message.guidance) renderGuidance(message.guidance, currentlyRaised(message.guidance));
      if (contact.summary && !ended) renderSummary({ summary: contact.summary, break_minutes: contact.break_minutes });
    } else if (type === "summary") {
      renderSummary(message);
    } else if (type === "break_granted") {
      breakGranted(message.minutes);
    } else if (type === "error") {
      $("send-error").textContent = `${L.error}: ${message.message || ""}`;
    }
  }

  const currentlyRaised = (guidance) =>
    new Set((guidance.alerts || []).map((a) => (typeof a === "string" ? a : a.kind)).filter((k) => HELD.has(k)));

  /** The transcript and the card from the stored events (opened, or lines missed meanwhile). */
  function replay(events, guidance) {
    $("transcript").replaceChildren();
    shownEvents = 0;
    held.clear();
    for (const event of events) {
      renderEvent(event);
      track(event, event.alerts, event.level, event.at ? new Date(event.at) : null);
    }
    if (guidance) renderGuidance(guidance, currentlyRaised(guidance));
  }

  async function reloadTranscript() {
    try {
      const response = await fetch(`/api/contacts/${contactId}`, { credentials: "same-origin" });
      if (!response.ok) return;
      const detail = await response.json();
      const events = (detail.events || []).map((event) => {
        const guidance = event.guidance || {};
        return {
          type: event.kind, text: event.text, action: event.action, at: event.at || event.created_at,
          alerts: (guidance.alerts || []).filter((a) => HELD.has(a.kind)),
          level: guidance.signals ? guidance.signals.level : null,
        };
      });
      const last = [...(detail.events || [])].reverse().find((e) => e.guidance);
      replay(events, last ? last.guidance : latest);
    } catch (_) {
      // The next guidance tries again.
    }
  }

  const socket = CalmDesk.socket(`/ws/contacts/${contactId}`, onMessage, (status) => {
    $("connection").textContent = status === "open" ? L.connected : L.disconnected;
    $("connection").dataset.status = status;
  });

  if (window.CalmDeskHeard) {
    CalmDeskHeard.init({ contactId, labels: data.heard_labels, send: (frame) => !ended && socket.send(frame) });
  }

  async function send(frame, path, body) {
    $("send-error").textContent = "";
    if (socket.send(frame)) return;
    try {
      onGuidance({ type: "guidance", ...(await CalmDesk.postJSON(`/api/contacts/${contactId}/${path}`, body)) });
    } catch (error) {
      $("send-error").textContent = `${L.error}: ${error.message}`;
    }
  }
  const sendUtterance = (speaker, text) =>
    send({ type: "utterance", speaker, text }, "utterances", { speaker, text });
  const sendAction = (action) => send({ type: "action", action }, "actions", { action });

  // Two speakers, two keys: Enter is the customer's line, Ctrl+Enter (⌘+Enter) the agent's own.
  // Nothing to remember between lines, so a customer's insult is never recorded as the agent's.
  const form = $("utterance-form");
  const textArea = $("utterance-text");
  function submitLine(speaker) {
    const text = textArea.value.trim();
    if (!text || ended) return;
    sendUtterance(speaker, text);
    textArea.value = "";
    textArea.focus();
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const speaker = event.submitter && event.submitter.dataset.speaker === "agent" ? "agent" : "customer";
    submitLine(speaker);
  });
  textArea.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    submitLine(event.ctrlKey || event.metaKey ? "agent" : "customer");
  });
  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => { sendAction(button.dataset.action); focusText(); });
  }
  document.addEventListener("click", (event) => {
    const said = event.target.closest("[data-said]");
    if (said) {
      const phrase = document.getElementById(said.dataset.said);
      if (phrase && !ended) sendUtterance("agent", phrase.textContent);
      focusText();
      return;
    }
    const handled = event.target.closest("[data-handled]");
    if (handled) {
      held.delete(handled.dataset.handled);
      renderAlerts(latest ? latest.alerts : [], latest ? currentlyRaised(latest) : new Set());
      focusText();
      return;
    }
    if (event.target.closest("[data-copy-target]")) setTimeout(focusText, 0);
  });

  // One way to end: "End contact" asks first, naming what will be recorded.
  const dialog = $("end-dialog");
  $("end-contact").addEventListener("click", () => {
    const outcome = (latest && latest.end_outcome) || "closed";
    $("end-dialog-records").textContent = L.end_records.replace("{outcome}", L.outcomes[outcome] || outcome);
    $("end-dialog-records").dataset.outcome = outcome;
    const verdict = $("end-dialog-verdict");
    verdict.textContent = "";
    verdict.dataset.allowed = "";
    if (outcome === "hang_up" && latest) {
      const allowed = !!latest.may_end_call;
      verdict.textContent = (allowed ? L.end_allowed : L.end_refused).replace("{reason}", latest.end_call_reason || "");
      verdict.dataset.allowed = String(allowed);
    }
    dialog.showModal();
    $("end-cancel").focus();
  });
  $("end-cancel").addEventListener("click", () => { dialog.close(); focusText(); });
  $("end-confirm").addEventListener("click", async () => {
    $("end-confirm").disabled = true;
    try {
      renderSummary(await CalmDesk.postJSON(`/api/contacts/${contactId}/end`, {}));
    } catch (error) {
      $("send-error").textContent = `${L.error}: ${error.message}`;
    } finally {
      $("end-confirm").disabled = false;
      if (dialog.open) dialog.close();
    }
  });

  $("ask-break").addEventListener("click", async () => {
    $("ask-break").disabled = true;
    try {
      await CalmDesk.postJSON(`/api/contacts/${contactId}/break-request`, {});
      breakAsked();
    } catch (error) {
      $("ask-break").disabled = false;
      $("ask-break-status").textContent = `${L.error}: ${error.message}`;
    }
  });

  // The state the page was rendered with: earlier lines and the latest guidance.
  const state = data.state || {};
  replay(state.events || [], state.guidance || { stage: "listen", suggestions: [], alerts: [], may_end_call: false });
  if (state.heat) renderHeat(state.heat.level, Math.max(state.heat.anger || 0, state.heat.abuse || 0));
  else renderHeat("calm", 0);
  if (state.summary) renderSummary({ summary: state.summary, break_minutes: state.break_minutes });
  if (state.break_granted_minutes) breakGranted(state.break_granted_minutes);
  focusText();
})();
