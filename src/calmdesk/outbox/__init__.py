"""A durable outbox: messages to other systems, written in the same transaction as the event
that causes them, and delivered by the worker at least once (see :mod:`.service`)."""
