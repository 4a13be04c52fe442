"""Thin DVC stage entry points: read settings and inputs, call the domain, write outputs."""
