"""Benchmarks for muskgraph: synthetic data at scale (`benchmarks.generate`)."""
