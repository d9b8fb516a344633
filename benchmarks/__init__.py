"""Measured benchmarks; each prints its result as JSON and writes it under results/."""
