"""Per-user cooldowns, shared by slash commands and mentions (one bucket per engine)."""
from __future__ import annotations

import threading
import time

from discord import app_commands


class OnCooldown(app_commands.CheckFailure):
    def __init__(self, retry_after: float):
        super().__init__(f"on cooldown for {retry_after:.1f}s")
        self.retry_after = retry_after


class Cooldowns:
    """At most one call per `seconds` per (bucket, user). `seconds <= 0` disables the limit."""

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self._last: dict[tuple[str, int], float] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str, user_id: int) -> float:
        """Record a call; 0.0 when allowed, else the seconds left to wait (and nothing is recorded)."""
        if self.seconds <= 0:
            return 0.0
        now = time.monotonic()
        key = (bucket, user_id)
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.seconds:
                return self.seconds - (now - last)
            self._last[key] = now
            if len(self._last) > 10_000:                      # forget long-expired entries
                self._last = {k: t for k, t in self._last.items() if now - t < self.seconds}
        return 0.0


def cooldown(bucket: str):
    """An app-command check: the invoking user may use `bucket` once per configured interval."""

    async def predicate(interaction) -> bool:
        cooldowns: Cooldowns | None = getattr(interaction.client, "cooldowns", None)
        if cooldowns is None:
            return True
        retry = cooldowns.hit(bucket, interaction.user.id)
        if retry > 0:
            raise OnCooldown(retry)
        return True

    return app_commands.check(predicate)
