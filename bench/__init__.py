"""The benchmark suite (`make bench`): separate from the tests, see docs/benchmarks.md."""
