"""The benchmark suite: ``python -m benchmarks [--quick] [--markdown]`` (see run.py)."""
