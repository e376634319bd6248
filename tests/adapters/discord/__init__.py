"""tests/adapters/discord."""
