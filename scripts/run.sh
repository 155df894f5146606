#!/usr/bin/env bash
# Set-up + podbot's main job on embedded defaults: ingest the bundled episode, answer, quote, summarise;
# with DISCORD_TOKEN set (environment or .env) it then runs the Discord bot.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/podbot demo "$@"
