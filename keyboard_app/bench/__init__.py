"""Benchmarks behind `keyboard-app bench ...`: each prints JSON, comparing side by side in one run."""
