"""One bounded HTTP GET with one-line errors (feeds, channel pages and transcript files)."""
from __future__ import annotations

from dataclasses import dataclass

import requests

from ingest.watch.config import FeedError, WatchConfig


@dataclass
class Fetched:
    status: int
    body: bytes
    url: str
    headers: dict[str, str]

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return self.body.decode("utf-8-sig", errors="replace")


def short(text: str, limit: int = 160) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def http_get(url: str, config: WatchConfig, *, what: str, limit: int, headers: dict[str, str] | None = None,
             session: requests.Session | None = None, error=FeedError, allow_304: bool = False) -> Fetched:
    """GET `url` (at most `limit` bytes); any failure is `error(one line naming `what`)`."""
    own = session is None
    s = session or config.session()
    try:
        with s.get(url, headers=headers or {}, timeout=config.timeout, stream=True, allow_redirects=True) as r:
            if r.status_code == 304 and allow_304:
                return Fetched(304, b"", r.url, dict(r.headers))
            if r.status_code >= 400:
                reason = f"HTTP {r.status_code}" + (f" {r.reason}" if r.reason else "")
                raise error(f"{what}: {reason} from {short(url, 120)}")
            chunks, size = [], 0
            for chunk in r.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise error(f"{what}: larger than {limit // 2**20} MB, refused ({short(url, 120)})")
                chunks.append(chunk)
            return Fetched(r.status_code, b"".join(chunks), r.url, dict(r.headers))
    except requests.exceptions.Timeout:
        raise error(f"{what}: no answer within {config.timeout:.0f}s from {short(url, 120)}") from None
    except requests.exceptions.ConnectionError:
        raise error(f"{what}: could not connect to {short(url, 120)} (network down or wrong address?)") from None
    except requests.exceptions.InvalidURL:
        raise error(f"{what}: {short(url, 120)} is not a valid URL") from None
    except requests.exceptions.RequestException as exc:
        raise error(f"{what}: request failed ({type(exc).__name__}) for {short(url, 120)}") from None
    finally:
        if own:
            s.close()
