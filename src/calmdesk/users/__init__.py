"""calmdesk.users."""
