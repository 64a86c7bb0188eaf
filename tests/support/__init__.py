"""Helpers shared by the integration tests (import as `support.<module>`)."""
