"""Outgoing webhooks: subscriptions per event kind, signed deliveries through the outbox, a
delivery log an admin reads and replays."""
