"""Benchmarks (never run by the test suite). `python -m bench` runs them all."""
