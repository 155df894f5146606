"""One settings object for all of podbot, read from the environment and `.env`.

Every knob lives here so that the CLI, the bot and the tests configure podbot the same way.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The embedded model must never reach for the Hugging Face hub (there is no network in many deployments).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

LOCAL_EMBED_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # --- storage -------------------------------------------------------------------------------------
    podbot_data_dir: Path = Field(Path("./data"), description="Embedded Chroma store, caches, watch state.")
    podbot_collection_prefix: str = "podbot"
    podbot_index_cache: bool = Field(True, description="Keep /ask's lexical index, /quote's tokenised sentences "
                                     "and the episodes' timed texts under PODBOT_DATA_DIR between runs, so a restart "
                                     "or a one-shot command reads them instead of rebuilding them.")
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_ssl: bool = False

    # --- embeddings ----------------------------------------------------------------------------------
    podbot_embed_model: str = Field(LOCAL_EMBED_MODEL, description="all-MiniLM-L6-v2 (local) or an OpenAI "
                                    "embedding model name such as text-embedding-3-small.")
    podbot_embed_backend: str = Field("auto", description="auto | local | openai")
    podbot_embed_batch: int = 64
    podbot_embed_dtype: Literal["auto", "bf16", "fp32"] = Field(
        "auto", description="local model precision: bf16 where the CPU multiplies it natively (AMX/AVX512-BF16)")
    podbot_embed_runtime: Literal["auto", "torch", "onnx", "hybrid"] = Field(
        "auto", description="local model runtime: auto = hybrid (OpenVINO bf16 in bulk, else torch bf16; ONNX "
        "Runtime fp32 for a lookup's few lines) where the CPU multiplies bf16 natively (AMX/AVX512-BF16); else onnx "
        "(ONNX Runtime fp32 for a lookup, about half torch's latency for one line on AVX2-only CPUs; OpenVINO fp32 "
        "in bulk). Same vectors every way")
    podbot_model_cache: Path = Field(
        default_factory=lambda: Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "podbot",
        description="derived model files (the ONNX export of the local model), shared by every data dir")
    podbot_embed_workers: int | None = Field(None, ge=1, description="parallel forward passes (default: the "
                                             "CPUs this process may use)")
    podbot_embed_process: bool = Field(True, description="An ingest of 3+ sources embeds in a child process, so "
                                       "one episode is embedded while the one before is written.")
    podbot_wide_passages: bool = Field(True, description="Also embed every two chunks as one passage, which /ask "
                                       "ranks as a fourth list (~2x the ingest's embedding time for 1.5-2.5 points "
                                       "more questions answered first); false stores none for new ingests.")

    # --- retrieval -----------------------------------------------------------------------------------
    podbot_rerank_pool: int = Field(10, ge=0, le=50, description="/ask candidates re-ranked by their best "
                                    "stored tile (~3 sentences) (0 = off); tiles are read from the store, "
                                    "or embedded once for episodes ingested before tiles were stored.")

    # --- LLM -----------------------------------------------------------------------------------------
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    podbot_chat_model: str = "gpt-4o-mini"
    podbot_llm_timeout: float = 30.0
    podbot_llm_retries: int = 2
    podbot_llm_structured: str = Field("json_schema", description="How structured output is requested: "
                                       "json_schema | function_calling | json_mode (pick what your server supports)")

    # --- YouTube -------------------------------------------------------------------------------------
    podbot_languages: str = Field("en", description="Comma-separated caption language priority, e.g. 'en,en-US,de'.")
    podbot_proxy_http: str | None = None
    podbot_proxy_https: str | None = None
    webshare_proxy_username: str | None = None
    webshare_proxy_password: SecretStr | None = None

    # --- Discord -------------------------------------------------------------------------------------
    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    podbot_admin_role: str | None = Field(None, description="Role name allowed to /ingest and /forget besides "
                                          "members with Manage Server.")
    podbot_cooldown_seconds: float = 5.0

    # --- watch ---------------------------------------------------------------------------------------
    podbot_watch_interval: float = 900.0
    podbot_watch_jitter: float = 60.0
    podbot_youtube_base: str = "https://www.youtube.com"

    @property
    def languages(self) -> list[str]:
        return [code.strip() for code in self.podbot_languages.split(",") if code.strip()]

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key and self.openai_api_key.get_secret_value()) or bool(self.openai_base_url)

    @property
    def embed_backend(self) -> str:
        if self.podbot_embed_backend != "auto":
            return self.podbot_embed_backend
        return "local" if self.podbot_embed_model == LOCAL_EMBED_MODEL else "openai"

    @property
    def chroma_path(self) -> Path:
        return self.podbot_data_dir / "chroma"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
