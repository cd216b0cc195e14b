"""calmdesk.playbook."""
