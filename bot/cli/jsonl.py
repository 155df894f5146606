"""The `--jsonl` batch loop shared by `podbot ask` and `podbot quote`: one output line per input line."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import IO

from ingest.errors import PodbotError

log = logging.getLogger(__name__)


def serve(source: IO[str], sink: IO[str], field: str, handle: Callable[[str, str | None], dict],
          failed: Callable[[str, bool], dict]) -> int:
    """Answer each JSON line `{field: str, "episode": EP-or-null}` with `handle(text, episode)`.

    A bad line gets `failed(error, for_the_user)` in its place and the batch goes on; `for_the_user` is True for
    podbot's own errors ("no episode numbered 999"), whose message is meant to be shown. Blank lines are skipped.
    """
    for line in source:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict) or not isinstance(request.get(field), str):
                raise ValueError(f'each line must be a JSON object with a string "{field}"')
            episode = request.get("episode")                 # 94 and "94" alike
            out = handle(request[field], str(episode) if episode not in (None, "") else None)
        except json.JSONDecodeError as exc:
            out = failed(f"invalid JSON: {exc.msg}", False)
        except PodbotError as exc:
            out = failed(exc.message, True)
        except ValueError as exc:
            out = failed(str(exc), False)
        except Exception as exc:  # one bad request must not end a batch
            log.exception("%s request failed", field)
            out = failed(f"{type(exc).__name__}: {exc}", False)
        sink.write(json.dumps(out, ensure_ascii=False) + "\n")
        sink.flush()
    return 0
