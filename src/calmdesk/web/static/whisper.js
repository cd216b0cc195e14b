// The agent console's whisper area: a supervisor's notes (only the agent sees them) and the
// notice that a supervisor took the contact over. Kept apart from console.js, which passes
// every message of the contact's socket on as a "calmdesk:contact-message" event.
"use strict";

(() => {
  const data = CalmDesk.data("whisper-data");
  if (!data) return;
  const L = data.labels;
  const el = CalmDesk.el;
  const list = document.getElementById("whispers");
  const panel = document.getElementById("whisper-panel");
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, name) => (values[name] ?? all));

  function show(note) {
    const name = note.by_name || note.by || "";
    const item = note.type === "taken_over"
      ? el("li", { class: "taken-over", dataset: { kind: "taken_over" } }, fill(L.taken_over, { name }))
      : el("li", { class: "whisper", dataset: { kind: "whisper" } },
        el("strong", {}, fill(L.whisper_from, { name }) + ": "), el("bdi", { dir: "auto" }, String(note.text || "")));
    list.prepend(item);
    panel.hidden = false;
  }

  for (const note of data.notes || []) show(note);
  document.addEventListener("calmdesk:contact-message", (event) => {
    const message = event.detail || {};
    if (message.type === "whisper" || message.type === "taken_over") show(message);
  });
})();
