"""Betting engine: edge at real prices, push-aware fractional Kelly, filters, caps and recorded decisions."""
