"""Live contacts: the coach over REST and WebSockets, stored and fanned out (see docs/api.md)."""
