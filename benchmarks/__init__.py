"""Measured benchmarks; each prints its result as JSON and saves it (see benchmarks/outcome.py)."""
