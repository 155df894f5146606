"""Group whole sentences into retrieval chunks sized for the embedding model.

all-MiniLM-L6-v2 silently truncates past 256 word-pieces; podcast speech runs ~1.3 pieces per word,
so chunks aim at ~90 words and never pass 140 (≈190 pieces) unless one sentence alone is longer.
Chunks do not overlap: the episode is exactly the concatenation of its chunks, which is how the store
keeps the full timed transcript without a second copy.
"""
from __future__ import annotations

from ingest.models import Chunk, Sentence

CHUNKER_VERSION = "sent-v2"     # v2: sentences end after "plan B." and "no." (ingest.sentences)
TARGET_WORDS = 90
MAX_WORDS = 140
TILE_SENTENCES = 3              # sentences per tile: the unit that is embedded (see `tile_bounds`)
WIDE_CHUNKS = 2                 # chunks per wide passage, the third unit that is embedded (see `wide_starts`)


def tile_bounds(n_sentences: int, size: int = TILE_SENTENCES) -> list[tuple[int, int]]:
    """A chunk's sentences cut into near-equal runs of ~`size`, as [start, stop) positions in the chunk.

    Tiles, not chunks, are what the embedder reads: a chunk's vector is the mean of its tiles' (weighted by
    words; `ingest.pipeline.pool_tiles`), and a tile's own vector tells *where* in a passage a question is answered — the fine
    re-rank across all episodes reads stored tile vectors instead of embedding candidates per question
    (p95 ~1 s -> ~40 ms on 2 AVX2 cores). Embedding an episode's tiles costs ~1.1x embedding its chunks.
    """
    k = max(1, round(n_sentences / size))
    cuts = [round(i * n_sentences / k) for i in range(k + 1)]
    return [(cuts[i], cuts[i + 1]) for i in range(k)]


def tile_texts(chunk: Chunk) -> list[str]:
    """The texts of a chunk's tiles, in order (whole sentences, verbatim)."""
    sentences = [s.text for s in chunk.sentences()]
    return [" ".join(sentences[a:b]) for a, b in tile_bounds(len(sentences))]


def wide_starts(n_chunks: int, size: int = WIDE_CHUNKS) -> list[int]:
    """The first chunk of each wide passage: `size` chunks in a row (~180 words, ~1,100 characters), side by side
    and covering the episode once; the last passage is the last `size` chunks, which may overlap the one before.

    Why a third unit: the model reads a passage this long as one story and places a paraphrased question nearer
    the right one than the mean of a chunk's tiles. Fused as a fourth ranked list (twelve /ask sets, 478 questions
    a scope, 97 episodes): top-1 in the episode 308 -> 315, corpus-wide 240 -> 247; top-5 423 -> 429 and 334 ->
    334. A passage's vector is not the mean of its chunks': that was tried and gained nothing. The cost: embedding
    them takes about what the tiles take, so an ingest's embedding time doubles (`PODBOT_WIDE_PASSAGES=false`
    skips them). Stepping one chunk at a time scored the same at twice that.
    """
    if n_chunks <= size:
        return [0] if n_chunks else []
    starts = list(range(0, n_chunks - size + 1, size))
    if starts[-1] + size < n_chunks:
        starts.append(n_chunks - size)
    return starts


def wide_texts(chunks: list[Chunk], size: int = WIDE_CHUNKS) -> list[str]:
    """The texts of an episode's wide passages, in `wide_starts` order (whole chunks, verbatim)."""
    return [" ".join(c.text for c in chunks[i:i + size]) for i in wide_starts(len(chunks), size)]


def chunk_sentences(episode_id: str, sentences: list[Sentence], *, target_words: int = TARGET_WORDS,
                    max_words: int = MAX_WORDS) -> list[Chunk]:
    chunks: list[Chunk] = []
    group: list[Sentence] = []
    words = 0

    def flush() -> None:
        nonlocal group, words
        if not group:
            return
        offsets, pos = [], 0
        for s in group:
            offsets.append(pos)
            pos += len(s.text) + 1
        speakers = [s.speaker or "" for s in group]
        chunks.append(Chunk(
            episode_id=episode_id,
            index=len(chunks),
            first_sentence=group[0].index,
            text=" ".join(s.text for s in group),
            offsets=offsets,
            starts=[s.start for s in group],
            ends=[s.end for s in group],
            speakers=speakers if any(speakers) else None,
        ))
        group, words = [], 0

    for sentence in sentences:
        n = len(sentence.text.split())
        speaker_change = bool(group) and sentence.speaker != group[-1].speaker and words >= target_words // 3
        if group and (words + n > max_words or words >= target_words or speaker_change):
            flush()
        group.append(sentence)
        words += n
    flush()
    return chunks
