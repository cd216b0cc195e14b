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

  // One stream: a source (microphone or demo file) on one track, until stop() or its end.
  async function openStream(track, source, status) {
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
    const node = await source(context);
    const tap = context.createScriptProcessor(1024, 1, 1);
    let chunk = 0;
    tap.onaudioprocess = (event) => {
      const samples = event.inputBuffer.getChannelData(0);
      const bytes = new Uint8Array(samples.length);
      for (let i = 0; i < samples.length; i += 1) bytes[i] = ulaw(samples[i]);
      if (socket.readyState !== WebSocket.OPEN) return;
      chunk += 1;
      socket.send(JSON.stringify({ event: "media", streamSid: sid, media: { track, chunk: String(chunk), payload: base64(bytes) } }));
    };
    node.connect(tap);
    tap.connect(context.destination); // a processor runs only when connected; it outputs silence
    status.textContent = W.live;
    return () => {
      node.disconnect();
      tap.disconnect();
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

  // The agent's voice: the outbound track.
  toggle(mic, "outbound", async (context) => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
    return context.createMediaStreamSource(stream);
  }, W.mic, W.micStop);

  // The demo customer: the inbound track, heard by the agent too.
  toggle(demo, "inbound", async (context) => {
    const file = await fetch(`/static/demo/call-${WORDS[lang] ? lang : "en"}.wav`);
    const buffer = await context.decodeAudioData(await file.arrayBuffer());
    const player = context.createBufferSource();
    player.buffer = buffer;
    player.connect(context.destination);
    player.onended = () => demo.click(); // the call is over: stop the stream
    player.start();
    return player;
  }, W.demo, W.demoStop);
})();
