"""podbot ingest: getting transcripts in (sources, parsing, sentences, chunks, embeddings, the Chroma store).

Pipeline: source -> Transcript -> sentences -> chunks -> embeddings -> store (atomic per episode).
Nothing here imports `bot`.
"""
