"""Readers and writers, one module per source."""
