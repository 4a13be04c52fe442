"""Data sources (synthetic league, files, nba_api), the raw table schema and its validation."""
