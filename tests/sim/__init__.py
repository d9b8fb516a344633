"""Tests of the Blink cloud simulator with the real blinkpy."""
