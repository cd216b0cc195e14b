"""Database access: the engine, sessions and migrations. Only domain services use it."""
