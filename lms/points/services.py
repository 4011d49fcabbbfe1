"""Points (积分): rules HR edits, an append-only points ledger credited once per source event, daily and yearly caps, branch leaderboards.

The app's public surface for other apps (docs/architecture.md)."""
