"""SQL ledger of bets: idempotent inserts, settlement, summaries."""
