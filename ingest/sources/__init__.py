"""Transcript sources: YouTube captions, transcript files."""
