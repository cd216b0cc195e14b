"""calmdesk.cases."""
