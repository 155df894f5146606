"""Bundled sample transcripts (package data)."""
from pathlib import Path

SAMPLES = Path(__file__).parent
SAMPLE_EPISODE = SAMPLES / "lex_094_ilya_sutskever.vtt"
