"""`make bench`: the figures of issue 6, each a ratio against a baseline measured in the same run.

Run ``python -m benchmarks`` (``--quick`` for a short run); see benchmarks/README.md.
"""
