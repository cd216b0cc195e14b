"""calmdesk.analysis."""
