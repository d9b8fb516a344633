"""Tests of Blink Audio Doctor."""
