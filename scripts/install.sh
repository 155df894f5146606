#!/usr/bin/env bash
# Creates .venv in the checkout and installs podbot (plus test tools with --test). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# torch first and pinned: this machine keeps the CPU build of 2.13.0 on disk; an unpinned torch pulls CUDA.
.venv/bin/pip install -q --disable-pip-version-check "torch==2.13.0" 2>&1 | grep -v "^WARNING: Location" || true
if [ "${1:-}" = "--test" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -e ".[test]" 2>&1 | grep -v "^WARNING: Location" || true
else
  .venv/bin/pip install -q --disable-pip-version-check -e . 2>&1 | grep -v "^WARNING: Location" || true
fi
.venv/bin/python -c "import bot, ingest, chromadb, discord, sentence_transformers" \
  || { echo "install failed: see pip output above" >&2; exit 1; }
