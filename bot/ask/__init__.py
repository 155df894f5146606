"""/ask: hybrid retrieval over chunks, sentence-precise citations, extractive or LLM answers, abstention."""
