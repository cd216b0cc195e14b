"""calmdesk.coach."""
