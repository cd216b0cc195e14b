// The dashboard app beside a Chatwoot conversation: Chatwoot posts the conversation (appContext),
// this script asks CalmDesk for the coach's card every few seconds and shows it. Text is set with
// textContent only; messages from any origin but Chatwoot's are ignored; no cookie is used (the
// app key comes from the address's fragment).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("chat-app-config").textContent);
  var texts = config.texts;
  var key = new URLSearchParams(window.location.hash.slice(1)).get("key");
  var status = document.getElementById("status");
  var live = document.getElementById("live");
  var phrase = document.getElementById("phrase");
  var copied = document.getElementById("copied");
  var current = null;
  var timer = null;

  function say(text) {
    status.textContent = text;
    status.hidden = false;
  }

  function format(text, fields) {
    return text.replace(/\{(\w+)\}/g, function (_, name) {
      return name in fields ? String(fields[name]) : "{" + name + "}";
    });
  }

  function render(card) {
    if (card.state === "unknown") {
      live.hidden = true;
      return say(texts.unknown);
    }
    if (card.state === "waiting") {
      live.hidden = true;
      return say(format(texts.waiting_agent, { count: card.waiting_lines }));
    }
    document.getElementById("stage").textContent = config.stages[card.stage] || card.stage || "";
    if (phrase.textContent !== (card.phrase || "")) copied.textContent = "";
    phrase.textContent = card.phrase || "";
    document.getElementById("why").textContent = card.why || "";
    document.getElementById("copy").hidden = !card.phrase;
    var list = document.getElementById("alerts");
    list.replaceChildren();
    card.alerts.forEach(function (alert) {
      var item = document.createElement("li");
      item.dataset.kind = alert.kind;
      var label = document.createElement("strong");
      label.textContent = config.alerts[alert.kind] || alert.kind;
      var message = document.createElement("bdi");
      message.textContent = alert.message;
      item.append(label, ": ", message);
      list.append(item);
    });
    if (!card.alerts.length) {
      var none = document.createElement("li");
      none.textContent = texts.no_alerts;
      list.append(none);
    }
    var verdict = document.getElementById("verdict");
    if (card.state === "ended") {
      say(texts.ended);
      verdict.textContent = card.break_minutes
        ? format(texts.break, { minutes: card.break_minutes })
        : texts.no_break;
    } else {
      status.hidden = true;
      var opening = card.may_end ? texts.may_end : texts.not_yet;
      verdict.textContent = card.end_reason ? opening + " " + card.end_reason : opening;
    }
    verdict.dataset.mayEnd = card.may_end ? "yes" : "no";
    live.hidden = false;
  }

  function poll() {
    if (!current) return;
    var query = new URLSearchParams({ account: current.account, conversation: current.id });
    fetch("/api/chat/chatwoot/card?" + query.toString(), {
      headers: { "X-CalmDesk-App-Key": key },
      credentials: "omit",
      cache: "no-store",
    })
      .then(function (response) {
        if (response.status === 401) throw new Error("bad_key");
        if (!response.ok) throw new Error("unreachable");
        return response.json();
      })
      .then(render)
      .catch(function (error) {
        say(error.message === "bad_key" ? texts.bad_key : texts.unreachable);
      })
      .finally(function () {
        timer = window.setTimeout(poll, config.poll_ms);
      });
  }

  function conversationOf(data) {
    var conversation = data && data.conversation;
    if (!conversation || conversation.id === undefined) return null;
    var account = conversation.account_id;
    if (account === undefined && conversation.messages && conversation.messages.length) {
      account = conversation.messages[0].account_id;
    }
    if (account === undefined) return null;
    return { id: String(conversation.id), account: String(account) };
  }

  function onMessage(event) {
    if (event.origin !== config.origin || event.source !== window.parent) return;
    var message = event.data;
    if (typeof message === "string") {
      try {
        message = JSON.parse(message);
      } catch (ignored) {
        return;
      }
    }
    if (!message || message.event !== "appContext") return;
    var next = conversationOf(message.data);
    if (!next) return;
    if (current && current.id === next.id && current.account === next.account) return;
    current = next;
    window.clearTimeout(timer);
    poll();
  }

  document.getElementById("copy").addEventListener("click", function () {
    var text = phrase.textContent;
    var done = function () {
      copied.textContent = texts.copied;
    };
    var fallback = function () {
      var range = document.createRange();
      range.selectNodeContents(phrase);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      copied.textContent = document.execCommand("copy") ? texts.copied : texts.copy_failed;
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });

  if (!config.configured) return say(texts.not_configured);
  if (!key) return say(texts.no_key);
  window.addEventListener("message", onMessage);
  if (window.parent !== window) {
    // Ask Chatwoot for the conversation (it also sends it when the frame loads).
    window.parent.postMessage("chatwoot-dashboard-app:fetch-info", config.origin);
  }
})();
