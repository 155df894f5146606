"""One small chat-model seam: every backend is a LangChain chat model; podbot only asks for typed output.

Real deployments get `ChatOpenAI` (OpenAI, or any OpenAI-compatible server via OPENAI_BASE_URL); tests
pass LangChain fake chat models or point `OPENAI_BASE_URL` at a local stub. Failures (timeout, 429, 5xx,
malformed output) are retried with backoff and then surface as one `LLMUnavailable`, which callers turn
into the extractive answer with a short note.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ingest.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)


class LLMUnavailable(Exception):
    """The language model could not produce a usable answer (after retries)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if status == 429 or "RateLimit" in name:
        return "rate limited (429)"
    if status and status >= 500:
        return f"server error ({status})"
    if "Timeout" in name:
        return "timed out"
    if "Connection" in name:
        return "unreachable"
    if isinstance(exc, (ValidationError, ValueError)) or "Parser" in name or "JSON" in name:
        return "malformed output"
    return name


def _retryable(exc: BaseException) -> bool:
    status = getattr(exc, "status_code", None)
    if status is not None:
        return status == 429 or status >= 500 or status == 408
    return True     # timeouts, connection errors, malformed output: worth another try


def build_chat_model(settings: Settings):
    """ChatOpenAI for the configured key/base URL, or None when no LLM is configured."""
    if not settings.llm_enabled:
        return None
    from langchain_openai import ChatOpenAI

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
    return ChatOpenAI(model=settings.podbot_chat_model, api_key=key, base_url=settings.openai_base_url,
                      temperature=0, timeout=settings.podbot_llm_timeout, max_retries=0)


class ChatLLM:
    """A chat model that returns validated pydantic objects, or raises LLMUnavailable."""

    def __init__(self, model: Any, *, retries: int = 2, method: str = "json_schema", backoff: float = 0.5,
                 name: str | None = None):
        self.model = model
        self.retries = retries
        self.method = method
        self.backoff = backoff
        self.name = name or getattr(model, "model_name", None) or type(model).__name__

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatLLM | None:
        model = build_chat_model(settings)
        if model is None:
            return None
        return cls(model, retries=settings.podbot_llm_retries, method=settings.podbot_llm_structured,
                   name=settings.podbot_chat_model)

    def structured(self, schema: type[T], messages: list, *, cancel: threading.Event | None = None) -> T:
        """`cancel`, once set (e.g. a sibling call found the model dead), stops further attempts."""
        runnable = self.model.with_structured_output(schema, method=self.method, include_raw=True)
        cancel = cancel or threading.Event()
        last: BaseException | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                cancel.wait(min(4.0, self.backoff * 2 ** (attempt - 1)))   # a sleep that a cancel cuts short
            if cancel.is_set():
                break
            try:
                out = runnable.invoke(messages)
                parsed = out.get("parsed") if isinstance(out, dict) else out
                if isinstance(parsed, schema):
                    return parsed
                if isinstance(parsed, dict):
                    return schema.model_validate(parsed)
                error = out.get("parsing_error") if isinstance(out, dict) else None
                raise ValueError(f"no structured output ({error or 'model answered in plain text'})")
            except Exception as exc:  # every backend failure is answered the same way: retry, then fall back
                last = exc
                log.warning("LLM call failed (attempt %d/%d): %s", attempt + 1, self.retries + 1, _describe(exc))
                if not _retryable(exc):
                    break
        if last is None:
            raise LLMUnavailable("cancelled" if cancel.is_set() else "no answer")
        raise LLMUnavailable(_describe(last))
