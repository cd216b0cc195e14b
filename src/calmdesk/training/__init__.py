"""calmdesk.training."""
