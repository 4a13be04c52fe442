"""Leak-proof as-of feature engine: one feature registry, one code path for history and slate."""
