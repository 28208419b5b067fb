"""Benchmarks. ``bench.bench_settings`` and ``bench.bench_urls`` are imported by the server."""
