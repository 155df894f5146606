#!/usr/bin/env bash
# Set-up + the whole test suite (offline; starts its own Chroma and OpenAI-compatible stub servers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
