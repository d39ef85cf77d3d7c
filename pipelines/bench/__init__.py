"""`python -m pipelines.bench`: time and measure the pipeline stage by stage at chosen simulator scales.

Each stage runs as its own child process in a throw-away work folder (never the project's data/),
so its wall time and peak memory are its own. See docs/benchmarks.md.
"""
