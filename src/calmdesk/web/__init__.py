"""The web app: the REST API, the live WebSocket and the server-rendered pages."""
