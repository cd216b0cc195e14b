// The board's line on call audio: how far transcription has fallen behind (GET
// /api/audio/status, every 10 s), shown only while calls stream or utterances wait.
"use strict";

(() => {
  const heading = document.querySelector("h1");
  if (!heading || !window.fetch) return;
  const WORDS = {
    en: { title: "Call audio", calls: "calls streaming", backlog: "utterances waiting", oldest: "oldest waits", failed: "not transcribed", s: "s" },
    pl: { title: "Dźwięk rozmów", calls: "przesyłane rozmowy", backlog: "wypowiedzi w kolejce", oldest: "najstarsza czeka", failed: "bez transkrypcji", s: "s" },
    ru: { title: "Звук звонков", calls: "звонков в эфире", backlog: "реплик в очереди", oldest: "самая старая ждёт", failed: "не расшифровано", s: "с" },
  };
  const W = WORDS[(document.documentElement.lang || "en").slice(0, 2)] || WORDS.en;
  const line = document.createElement("p");
  line.className = "notice small";
  line.dataset.testid = "audio-backlog";
  line.setAttribute("role", "status");
  line.hidden = true;
  heading.after(line);

  async function refresh() {
    try {
      const answer = await fetch("/api/audio/status", { credentials: "same-origin" });
      if (!answer.ok) return;
      const s = await answer.json();
      line.hidden = !(s.calls || s.backlog || s.failed);
      line.dataset.backlog = String(s.backlog);
      line.textContent =
        `${W.title}: ${s.calls} ${W.calls} · ${s.backlog} ${W.backlog}` +
        (s.backlog ? ` · ${W.oldest} ${s.oldest_wait_seconds.toFixed(1)} ${W.s}` : "") +
        (s.failed ? ` · ${s.failed} ${W.failed}` : "");
    } catch (error) {
      // The next refresh tries again.
    }
  }
  refresh();
  setInterval(refresh, 10000);
})();
