"""Integration tests with Home Assistant's test plugin."""
