"""Odds providers (synthetic book, The Odds API, historical files), market math and player matching.

Import what you need from its module (``nba_pra.odds.provider``, ``nba_pra.odds.market``, ``nba_pra.odds.prices``):
this package re-exports nothing, so importing the price conversions does not load the HTTP providers.
"""
