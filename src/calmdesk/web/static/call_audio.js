// The console's call audio: streams the agent's microphone (the agent's channel) and can play a
// demo call file into the customer's channel, both over /ws/media/twilio in the Twilio Media
// Streams protocol (μ-law, 8 kHz). The transcripts come back as lines on the console's own
// socket, like typed ones. Words in pl, ru and en are kept here (the page's language decides).
"use strict";

(() => {
  const holder = document.getElementById("console-data");
  const form = document.getElementById("utterance-form");
  if (!holder || !form || !window.WebSocket || !window.AudioContext) return;
  const contactId = JSON.parse(holder.textContent).contact_id;
  const WORDS = {
    en: {
      title: "Call audio",
      mic: "Stream my microphone",
      micStop: "Stop my microphone",
      demo: "Play the demo call (customer's channel)",
      demoStop: "Stop the demo call",
      live: "Transcribing: the lines appear in the conversation.",
      denied: "The microphone is not available: ",
      failed: "Call audio stopped: ",
    },
    pl: {
      title: "Dźwięk rozmowy",
      mic: "Przesyłaj mój mikrofon",
      micStop: "Zatrzymaj mój mikrofon",
      demo: "Odtwórz rozmowę pokazową (kanał klienta)",
      demoStop: "Zatrzymaj rozmowę pokazową",
      live: "Trwa transkrypcja: wypowiedzi pojawiają się w rozmowie.",
      denied: "Mikrofon jest niedostępny: ",
      failed: "Dźwięk rozmowy zatrzymany: ",
    },
    ru: {
      title: "Звук звонка",
      mic: "Передавать мой микрофон",
      micStop: "Остановить мой микрофон",
      demo: "Воспроизвести демонстрационный звонок (канал клиента)",
      demoStop: "Остановить демонстрационный звонок",
      live: "Идёт расшифровка: реплики появляются в разговоре.",
      denied: "Микрофон недоступен: ",
      failed: "Звук звонка остановлен: ",
    },
  };
  const lang = (document.documentElement.lang || "en").slice(0, 2);
  const W = WORDS[lang] || WORDS.en;

  // G.711 μ-law, as a telephone network sends it.
  function ulaw(sample) {
    let x = Math.max(-1, Math.min(1, sample)) * 32767;
    const sign = x < 0 ? 0x80 : 0;
    x = Math.min(Math.abs(x), 32635) + 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (x & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
    const mantissa = (x >> (exponent + 3)) & 0x0f;
    return ~(sign | (exponent << 4) | mantissa) & 0xff;
  }

  function base64(bytes) {
    let text = "";
    for (let i = 0; i < bytes.length; i += 1) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }

  // One stream on one track: `feed(context, send)` starts the source, calls send(samples) with
  // 8 kHz float samples as they come, and returns its own stop; stop() ends the stream.
  async function openStream(track, feed, status) {
    const context = new AudioContext({ sampleRate: 8000 });
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/media/twilio`;
    const socket = new WebSocket(url);
    const sid = `MZbrowser${track}${Date.now()}`;
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error("socket"));
    });
    socket.onclose = (event) => {
      if (event.code !== 1000) status.textContent = W.failed + (event.reason || event.code);
    };
    socket.send(JSON.stringify({ event: "connected", protocol: "Call", version: "1.0.0" }));
    socket.send(
      JSON.stringify({
        event: "start",
        streamSid: sid,
        start: {
          streamSid: sid,
          tracks: [track],
          customParameters: { contact: String(contactId), end: "false" },
          mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
        },
      }),
    );
    let chunk = 0;
    const send = (samples) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      const bytes = new Uint8Array(samples.length);
      for (let i = 0; i < samples.length; i += 1) bytes[i] = ulaw(samples[i]);
      chunk += 1;
      socket.send(JSON.stringify({ event: "media", streamSid: sid, media: { track, chunk: String(chunk), payload: base64(bytes) } }));
    };
    const stopSource = await feed(context, send);
    status.textContent = W.live;
    return () => {
      stopSource();
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ event: "stop", streamSid: sid, stop: {} }));
      context.close();
    };
  }

  const panel = document.createElement("section");
  panel.className = "panel";
  panel.dataset.testid = "call-audio";
  const heading = document.createElement("h2");
  heading.textContent = W.title;
  const mic = document.createElement("button");
  mic.type = "button";
  mic.className = "secondary";
  mic.textContent = W.mic;
  mic.dataset.testid = "stream-microphone";
  const demo = document.createElement("button");
  demo.type = "button";
  demo.className = "secondary";
  demo.textContent = W.demo;
  demo.dataset.testid = "play-demo-call";
  const status = document.createElement("p");
  status.className = "small";
  status.setAttribute("role", "status");
  panel.append(heading, mic, document.createTextNode(" "), demo, status);
  form.closest("section").after(panel);

  function toggle(button, track, source, startLabel, stopLabel) {
    let stop = null;
    button.addEventListener("click", async () => {
      if (stop) {
        stop();
        stop = null;
        button.textContent = startLabel;
        status.textContent = "";
        return;
      }
      try {
        stop = await openStream(track, source, status);
        button.textContent = stopLabel;
      } catch (error) {
        status.textContent = W.denied + (error && error.message ? error.message : error);
      }
    });
    return () => stop;
  }

  // The agent's voice: the outbound track, as the microphone delivers it.
  toggle(mic, "outbound", async (context, send) => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
    const source = context.createMediaStreamSource(stream);
    const tap = context.createScriptProcessor(1024, 1, 1);
    tap.onaudioprocess = (event) => send(event.inputBuffer.getChannelData(0).slice());
    source.connect(tap);
    tap.connect(context.destination); // a processor runs only when connected; it outputs silence
    return () => {
      source.disconnect();
      tap.disconnect();
      stream.getTracks().forEach((t) => t.stop());
    };
  }, W.mic, W.micStop);

  // The demo customer: the inbound track. The file's samples are sent by the clock (20 ms a
  // frame, as a phone network would), exactly as decoded, while the agent hears it played.
  toggle(demo, "inbound", async (context, send) => {
    // The demo call is in the contact's language (the page's when the contact has none).
    const contact = await (await fetch(`/api/contacts/${contactId}`, { credentials: "same-origin" })).json();
    const callLang = WORDS[contact.lang] ? contact.lang : WORDS[lang] ? lang : "en";
    const file = await fetch(`/static/demo/call-${callLang}.wav`);
    const buffer = await context.decodeAudioData(await file.arrayBuffer());
    const samples = buffer.getChannelData(0);
    const player = context.createBufferSource();
    player.buffer = buffer;
    player.connect(context.destination);
    player.start();
    const started = performance.now();
    let sent = 0;
    const timer = setInterval(() => {
      const due = Math.min(samples.length, Math.floor(((performance.now() - started) / 1000) * buffer.sampleRate));
      for (; sent + 160 <= due; sent += 160) send(samples.subarray(sent, sent + 160));
      if (sent + 160 > samples.length) demo.click(); // the call is over: stop the stream
    }, 100);
    return () => {
      clearInterval(timer);
      player.stop();
    };
  }, W.demo, W.demoStop);
})();
