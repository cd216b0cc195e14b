"""Live call audio: media streams in (Twilio Media Streams, Asterisk AudioSocket, the browser),
voice activity detection cutting each leg into utterances, offline speech to text
(faster-whisper), and each transcript fed to the live service as a line of its leg's speaker."""
