"""New episodes by themselves: poll watched feeds, ingest, summarise, post (via a callback; no Discord here)."""
from bot.watch.service import AddResult, Delivery, Notice, RunReport, WatchService

__all__ = ["AddResult", "Delivery", "Notice", "RunReport", "WatchService"]
