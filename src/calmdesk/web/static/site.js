// CalmDesk pages: small behaviours that need no framework (the CSP forbids inline scripts).
"use strict";

document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // The language picker submits itself when a language is chosen; the button stays for
  // keyboard users and for browsers without JavaScript.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // "Copy" buttons copy the text of the element they name (suggested phrases).
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy-target]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copyTarget);
    if (source) CalmDesk.copyText(source.textContent, button);
  });
  // Confirm buttons ask before submitting (e.g. ending a contact).
  document.addEventListener("submit", (event) => {
    const message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
});

window.CalmDesk = {
  /** The JSON a page embeds in <script type="application/json" id="...">. */
  data(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  },
  csrfToken() {
    const headers = document.body.getAttribute("hx-headers");
    return headers ? JSON.parse(headers)["X-CSRF-Token"] : "";
  },
  /** POST JSON to our API with the CSRF header; throws with the server's message. */
  async postJSON(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": CalmDesk.csrfToken() },
      body: JSON.stringify(body || {}),
    });
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(payload.message || response.statusText);
    return payload;
  },
  async copyText(text, button) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    if (button) {
      const label = button.textContent;
      button.textContent = button.dataset.copiedLabel || "✓";
      setTimeout(() => { button.textContent = label; }, 1200);
    }
  },
  /** Create an element with text content only (customer text never goes through innerHTML). */
  el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") element.className = value;
      else if (name === "dataset") Object.assign(element.dataset, value);
      else element.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  },
  /** A WebSocket that reconnects with backoff; calls onMessage with each parsed message. */
  socket(path, onMessage, onStatus) {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
    let delay = 500;
    const state = { ws: null, closed: false };
    const connect = () => {
      const ws = new WebSocket(url);
      state.ws = ws;
      ws.addEventListener("open", () => { delay = 500; if (onStatus) onStatus("open"); });
      ws.addEventListener("message", (event) => {
        let message;
        try { message = JSON.parse(event.data); } catch (_) { return; }
        onMessage(message);
      });
      ws.addEventListener("close", () => {
        if (onStatus) onStatus("closed");
        if (!state.closed) setTimeout(connect, delay);
        delay = Math.min(delay * 2, 10000);
      });
    };
    connect();
    return {
      send(message) {
        if (state.ws && state.ws.readyState === WebSocket.OPEN) {
          state.ws.send(JSON.stringify(message));
          return true;
        }
        return false;
      },
      close() { state.closed = true; if (state.ws) state.ws.close(); },
    };
  },
};
