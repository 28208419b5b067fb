"""Tests of the pure-Python Bürgergeld calculator (openjobcenter.benefits)."""
