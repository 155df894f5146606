"""/quote: verbatim lines and their moment, found from a half-remembered version (see engine.py)."""
from bot.quotes.engine import QuoteEngine

__all__ = ["QuoteEngine"]
