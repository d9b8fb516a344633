"""Home Assistant looks for custom integrations in this package (tests and the demo)."""
