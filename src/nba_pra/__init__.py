"""nba-pra: NBA PRA prop distributions, value, Kelly sizing and an honest ledger."""

__version__ = "0.1.0"
