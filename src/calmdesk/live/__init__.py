"""calmdesk.live."""
