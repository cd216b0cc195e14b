"""Chat platforms: Chatwoot's webhooks and dashboard app, and a generic adapter, feeding each
conversation to the coach as a live contact (:mod:`calmdesk.live`)."""
