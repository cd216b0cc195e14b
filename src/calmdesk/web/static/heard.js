// The console's "heard in my words" panel: every step the coach heard in the agent's own lines
// ("Warning heard: …"), each with an Undo button that takes it back (an "undo" frame on the
// contact's socket, or POST /api/contacts/{id}/undo when the socket is down). console.js calls
// CalmDeskHeard.init() once and CalmDeskHeard.guidance() with every guidance; the agent's words
// are set with textContent only.
"use strict";

window.CalmDeskHeard = (() => {
  const steps = new Map(); // "turn:step" -> the latest HeardRead seen for it
  let labels = {};
  let contactId = null;
  let send = () => false;

  const key = (item) => `${item.turn}:${item.step}`;

  function render() {
    const panel = document.getElementById("heard-panel");
    const list = document.getElementById("heard");
    if (!panel || !list) return;
    panel.hidden = false;
    const heading = document.getElementById("heard-heading");
    if (heading) heading.textContent = labels.heading || "";
    list.replaceChildren();
    if (!steps.size) {
      const empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = labels.empty || "";
      list.append(empty);
      return;
    }
    for (const item of steps.values()) {
      const row = document.createElement("li");
      row.dataset.step = item.step;
      row.dataset.turn = String(item.turn);
      row.dataset.undone = item.undone ? "true" : "false";
      const text = document.createElement("span");
      text.className = "text";
      text.dir = "auto";
      text.textContent = item.message;
      row.append(text);
      if (item.undone) {
        row.classList.add("muted");
        const mark = document.createElement("span");
        mark.className = "small";
        mark.textContent = ` (${labels.undone || ""})`;
        row.append(mark);
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary small";
        button.textContent = labels.undo || "Undo";
        button.setAttribute("aria-label", `${labels.undo || "Undo"}: ${item.message}`);
        button.addEventListener("click", () => undo(item, button));
        row.append(button);
      }
      list.append(row);
    }
  }

  async function undo(item, button) {
    button.disabled = true;
    const frame = { type: "undo", seq: item.turn, step: item.step };
    if (send(frame)) return; // the guidance comes back on the socket
    try {
      const guidance = await CalmDesk.postJSON(`/api/contacts/${contactId}/undo`, { seq: item.turn, step: item.step });
      take(guidance.heard);
    } catch (error) {
      button.disabled = false;
      const problem = document.getElementById("send-error");
      if (problem) problem.textContent = error.message;
    }
  }

  /** Steps from a guidance's ``heard``: new ones are added, taken-back ones marked. */
  function take(heard) {
    for (const item of heard || []) {
      const known = steps.get(key(item));
      if (item.undone && known) {
        steps.set(key(item), { ...known, undone: true });
      } else if (!known || item.undone) {
        steps.set(key(item), item);
      }
    }
    render();
  }

  /** The transcript line of a ``step_undone`` event. */
  function undoneLabel(step) {
    const name = (labels.steps || {})[step] || step;
    return `${labels.taken_back || ""}: ${name}`;
  }

  async function init(options) {
    labels = options.labels || {};
    contactId = options.contactId;
    send = options.send || send;
    render();
    try {
      // The steps heard before the page was opened are in the stored guidance of each event.
      const response = await fetch(`/api/contacts/${contactId}`, { credentials: "same-origin" });
      if (!response.ok) return;
      const detail = await response.json();
      for (const event of detail.events || []) take((event.guidance || {}).heard);
    } catch (_) {
      // The panel fills as guidance arrives.
    }
  }

  return { init, guidance: (guidance) => take(guidance && guidance.heard), undoneLabel };
})();
