"""The read side of the store: committed episodes, their full timed transcripts, and episode lookup.

Loaded once per process and refreshed cheaply (an episode record per episode), so the bot sees episodes
ingested by another process without a restart. Engines rebuild their indexes when `version` changes.
"""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz, process

from bot.framing import Framing, find_framing
from bot.text_cache import TextCache
from ingest.embeddings import Embedder, get_embedder
from ingest.errors import EpisodeNotFound
from ingest.models import Chunk, EpisodeMeta, Sentence
from ingest.settings import Settings
from ingest.chunking import tile_bounds, tile_texts
from ingest.store import DenseHit, Store, chunk_id, tile_id

T = TypeVar("T")
REFRESH_SECONDS = 2.0
SAME_NAME = 90            # rapidfuzz ratio from which two guest names (or a query and a guest) are one person
# what /ask and /quote say before any episode was added (or after the last was forgotten)
EMPTY_LIBRARY = ("No episodes have been added yet, so there is nothing to search: add one first "
                 "(`podbot ingest SOURCE`, or `/ingest` in Discord).")
# Episodes whose chunk and tile vectors are kept for searches inside them (~1.5 KB a vector: ~1 MB for a
# two-hour episode). 400 holds a back catalogue the size of Lexicap's (318 episodes: ~340 MB), so after the
# start-up warm-up (`AskEngine.warm`) no question waits for the store to send an episode's vectors.
EPISODE_VECTORS = 400
# Tile vectors kept in memory (384 floats each: ~30 MB when full); 17% of the tiles the dev set's corpus-wide
# questions re-rank repeat across questions, and the same question from several listeners repeats them all.
TILE_CACHE = 20_000
# how listeners name an episode by number inside a sentence: "episode 94", "ep. 94", "episode #94", "#94"
EPISODE_NUMBER = r"(?:episode|ep\.?)\s*(?:#|no\.?\s*|number\s+)?\d{1,4}|#\d{1,4}"
_NUMBERED = re.compile(rf"(?<!\w)(?:{EPISODE_NUMBER})(?!\d)", re.IGNORECASE)
_BEFORE_HASH = re.compile(r"(?:^|\b(?:podcast|show|episode|ep|in|on|from|of))\s*$", re.IGNORECASE)   # "on #305"


def episode_reference(text: str, *, any_hash: bool = False) -> str | None:
    """The episode a question or quote names by number ("in episode 190, …", "on the podcast #305 …"), as
    typed. "#N" counts after podcast/show/episode/in/on/from/of or opening the text ("the #1 thing he
    recommends" is not episode 1), anywhere with `any_hash` (a question already known to be about an
    episode: "what's #94 about?")."""
    m = _NUMBERED.search(text)
    if m is None:
        return None
    if not any_hash and m.group(0).startswith("#") and not _BEFORE_HASH.search(text[:m.start()]):
        return None
    return m.group(0)


def without_reference(text: str, ref: str) -> str:
    """`text` with the episode reference (and its "in"/"on the"…) taken out: the words left to search."""
    rest = re.sub(rf"(?:\b(?:in|on|from|during|of)\s+(?:the\s+)?)?{re.escape(ref)}", " ", text, count=1,
                  flags=re.IGNORECASE)
    return " ".join(rest.split()).strip(" ,;:-")


@dataclass
class EpisodeText:
    """One committed episode: metadata, chunks and every sentence with its time."""

    meta: EpisodeMeta
    gen: str
    chunks: list[Chunk]

    @cached_property
    def sentences(self) -> list[Sentence]:
        """Built on first use: a one-shot command reads every episode's chunks but uses few episodes' sentences
        (460,000 sentence objects at 318 episodes, ~1.5 s)."""
        return [s for c in self.chunks for s in c.sentences()]

    @cached_property
    def sentence_count(self) -> int:
        return sum(len(c.offsets) for c in self.chunks)

    @cached_property
    def sentence_chunk(self) -> np.ndarray:
        """Sentence position -> chunk position."""
        return np.asarray([ci for ci, c in enumerate(self.chunks) for _ in c.offsets], dtype=np.int32)

    @property
    def episode_id(self) -> str:
        return self.meta.episode_id

    @cached_property
    def sentence_starts(self) -> np.ndarray:
        return np.asarray([s.start for s in self.sentences], dtype=np.float64)

    @property
    def duration(self) -> float:
        """Seconds: the recorded duration, or the last sentence's end when the transcript runs longer."""
        return max(float(self.meta.duration or 0.0), self.sentences[-1].end if self.sentences else 0.0)

    @cached_property
    def framing(self) -> Framing:
        """Which sentences are the show's introduction, sponsor reads and sign-off (not the conversation)."""
        return find_framing(self.sentences, self.duration)

    def sentences_between(self, start: float, end: float) -> list[Sentence]:
        """Sentences spoken (at least partly) within [start, end] — re-reading any time range."""
        return [s for s in self.sentences if s.end >= start and s.start <= end]


class Library:
    """Committed episodes and their transcripts, shared by every engine in one process."""

    def __init__(self, settings: Settings, *, embedder_factory=None, store: Store, text_cache: Path | None = None):
        """`text_cache`: a folder where the episodes' chunks are kept between runs (`bot.text_cache`)."""
        self.settings = settings
        self._embedder_factory = embedder_factory or (lambda: get_embedder(settings))
        self.store = store
        self._text_cache = TextCache(text_cache)
        self._lock = threading.RLock()
        self._metas: dict[str, EpisodeMeta] = {}
        self._records: dict[str, dict] = {}
        self._texts: dict[str, EpisodeText] = {}
        self._vectors: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._episode_tiles: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._wide: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._tiles: OrderedDict[str, np.ndarray] = OrderedDict()
        self._checked = 0.0
        self.version = 0
        self.refresh(force=True)

    @cached_property
    def embedder(self) -> Embedder:
        """Loaded on first use: listing or quoting by text alone never pays the model load."""
        return self._embedder_factory()

    # --- catalogue --------------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> bool:
        """Re-read the episode records; True when anything changed (new, replaced or forgotten)."""
        with self._lock:
            if not force and time.monotonic() - self._checked < REFRESH_SECONDS:
                return False
            listed = self.store.list_episodes()
            self._checked = time.monotonic()
            metas = {m.episode_id: m for m, _ in listed}
            records = {m.episode_id: r for m, r in listed}
            old = {e: r.get("gen") for e, r in self._records.items()}
            new = {e: r.get("gen") for e, r in records.items()}
            changed = old != new or any(metas[e] != self._metas.get(e) for e in metas)
            self._metas, self._records = metas, records
            for eid in list(self._texts):
                if new.get(eid) != self._texts[eid].gen:
                    del self._texts[eid]
                elif metas[eid] != self._texts[eid].meta:
                    self._texts[eid].meta = metas[eid]
            if changed:
                self.version += 1
            return changed

    @property
    def episodes(self) -> list[EpisodeMeta]:
        return list(self._metas.values())

    @property
    def active(self) -> dict[str, str]:
        """episode id -> committed generation."""
        return {e: r["gen"] for e, r in self._records.items()}

    def record(self, episode_id: str) -> dict:
        return self._records[episode_id]

    def meta(self, episode_id: str) -> EpisodeMeta:
        try:
            return self._metas[episode_id]
        except KeyError:
            raise EpisodeNotFound(f"no episode {episode_id!r} in the library") from None

    def text(self, episode_id: str) -> EpisodeText:
        with self._lock:
            cached = self._texts.get(episode_id)
            if cached is not None:
                return cached
            meta = self.meta(episode_id)
            gen = self._records[episode_id]["gen"]
        chunks = self._load_chunks([(episode_id, gen)])[episode_id]
        text = EpisodeText(meta, gen, chunks)
        with self._lock:
            self._texts[episode_id] = text
        return text

    def has_vectors(self, episode_id: str) -> bool:
        """Whether `vectors(episode_id)` is served from memory (no store read)."""
        key = (episode_id, self.text(episode_id).gen)
        with self._lock:
            return key in self._vectors

    def _kept(self, cache: OrderedDict, episode_id: str, load: Callable[[str], T], tag: object = None) -> T:
        """`load(generation)` for the episode's committed generation, kept in `cache` for the last EPISODE_VECTORS
        episodes read, keyed by generation (and `tag`), so a re-ingested episode is never served its old vectors."""
        gen = self.text(episode_id).gen
        key = (episode_id, gen) if tag is None else (episode_id, gen, tag)
        with self._lock:
            cached = cache.get(key)
            if cached is not None:
                cache.move_to_end(key)
                return cached
        value = load(gen)
        with self._lock:
            cache[key] = value
            while len(cache) > EPISODE_VECTORS:
                cache.popitem(last=False)
        return value

    def vectors(self, episode_id: str) -> np.ndarray:
        """The episode's chunk vectors in chunk order, unit length (kept: `_kept`)."""
        def load(gen: str) -> np.ndarray:
            vectors = self.store.load_vectors(episode_id, gen)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True) if vectors.size else np.ones((0, 1))
            return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        return self._kept(self._vectors, episode_id, load)

    def wide(self, episode_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(first chunk index, unit vector) of the episode's wide passages (`ingest.chunking.wide_starts`), kept
        as `vectors` are; none for an episode ingested before they were stored (re-running its ingest adds them,
        embedding only them)."""
        count = self._records.get(episode_id, {}).get("wide") or 0

        def load(gen: str) -> tuple[np.ndarray, np.ndarray]:
            if not count:
                return np.zeros(0, np.int64), np.zeros((0, 1), np.float32)
            starts, vectors = self.store.load_wide(episode_id, gen)
            return starts, (vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)).astype(
                np.float32)
        # keyed by their count too: re-running an older episode's ingest adds them under the same generation
        return self._kept(self._wide, episode_id, load, count)

    def nearest_wide(self, vector: np.ndarray, k: int, episode_ids: list[str] | None = None) -> list[DenseHit]:
        """The k committed wide passages nearest `vector`, best first (`index`: their first chunk); searched as
        `nearest_chunks` searches chunks."""
        if episode_ids is None:      # committed ones only: those being added to an older episode share its gen
            widened = {e: g for e, g in self.active.items() if self._records[e].get("wide")}
            return self.store.dense_search(vector, k, widened, None, collection="wide")
        return self._nearest_in(vector, k, episode_ids, self.wide)

    def episode_tiles(self, episode_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(chunk index of each tile, unit tile vectors) for a whole episode: what a question inside it is
        compared with sentence-run by sentence-run. Kept as `vectors` are (`tiles` then serves them from here
        too, so they are not also kept one by one)."""
        def load(gen: str) -> tuple[np.ndarray, np.ndarray]:
            text = self.text(episode_id)
            tiles = self.tiles([(episode_id, i) for i in range(len(text.chunks))], keep=False)
            if not tiles:
                return np.zeros(0, np.int64), np.zeros((0, 1), dtype=np.float32)
            return (text.sentence_chunk[[a for _, a, _, _ in tiles]].astype(np.int64),
                    np.stack([t[3] for t in tiles]))
        return self._kept(self._episode_tiles, episode_id, load)

    def tiles(self, wanted: list[tuple[str, int]], *, keep: bool = True) -> list[tuple[str, int, int, np.ndarray]]:
        """(episode id, first sentence, end sentence (exclusive), unit vector) of every tile of the chunks
        `wanted` ((episode id, chunk index) pairs).

        Taken from the episode's tile matrix when `episode_tiles` holds it; else read from the store in one
        call and, with `keep`, kept (LRU, keyed by tile id, which carries the generation: a re-ingested
        episode is never served old vectors); an episode ingested before tiles were stored has its tiles
        embedded here, once."""
        keys: list[tuple[str, str, int, int, int, int]] = []   # (tile id, episode, chunk, position, first, end)
        gens: dict[str, str] = {}
        for eid, index in dict.fromkeys(wanted):
            text = self.text(eid)
            gens[eid] = text.gen
            chunk = text.chunks[index]
            for j, (a, b) in enumerate(tile_bounds(len(chunk.offsets))):
                keys.append((tile_id(chunk_id(eid, text.gen, index), j), eid, index, j, chunk.first_sentence + a,
                             chunk.first_sentence + b))
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for tid, eid, index, j, _, _ in keys:
                whole = self._episode_tiles.get((eid, gens[eid]))
                if whole is not None:
                    found[tid] = whole[1][int(np.searchsorted(whole[0], index)) + j]
                elif tid in self._tiles:
                    found[tid] = self._tiles[tid]
                    self._tiles.move_to_end(tid)
        stored = [k[0] for k in keys if k[0] not in found and self._records.get(k[1], {}).get("tiles")]
        fresh = self.store.tile_vectors(stored) if stored else {}
        missing = [k for k in keys if k[0] not in found and k[0] not in fresh]
        if missing:
            texts = {(eid, index): tile_texts(self.text(eid).chunks[index]) for _, eid, index, *_ in missing}
            fresh.update(zip((k[0] for k in missing), self.embedder.embed_documents(
                [texts[eid, index][j] for _, eid, index, j, _, _ in missing])))
        for tid, vector in fresh.items():
            vector = np.asarray(vector, dtype=np.float32)
            found[tid] = vector / max(float(np.linalg.norm(vector)), 1e-12)
        if fresh and keep:
            with self._lock:
                self._tiles.update((tid, found[tid]) for tid in fresh)
                while len(self._tiles) > TILE_CACHE:
                    self._tiles.popitem(last=False)
        return [(eid, a, b, found[tid]) for tid, eid, _, _, a, b in keys]

    def nearest_chunks(self, vector: np.ndarray, k: int, episode_ids: list[str] | None = None) -> list[DenseHit]:
        """The k committed chunks nearest `vector`, best first.

        Across the library: Chroma's HNSW index. Inside named episodes: an exact product with the episodes'
        own vectors (cached) — a filtered HNSW query over a 318-episode store took ~100 ms of the ~130 ms an
        episode-scoped question cost, and an approximate one can miss a nearest chunk."""
        if episode_ids is None:
            return self.store.dense_search(vector, k, self.active, None)
        return self._nearest_in(vector, k, episode_ids, lambda eid: (None, self.vectors(eid)))

    def _nearest_in(self, vector: np.ndarray, k: int, episode_ids: list[str],
                    rows: Callable[[str], tuple[np.ndarray | None, np.ndarray]]) -> list[DenseHit]:
        """The k rows of the named episodes nearest `vector`, exactly, best first; `rows(episode)` gives the
        chunk index of each row (None: row i is chunk i) and the rows' unit vectors."""
        hits: list[DenseHit] = []
        unit = vector / max(float(np.linalg.norm(vector)), 1e-12)
        for eid in episode_ids:
            if eid not in self._records:
                continue
            index, matrix = rows(eid)
            if not len(matrix):
                continue
            gen = self.text(eid).gen
            sims = matrix @ unit
            for i in np.argsort(-sims, kind="stable")[:k]:
                chunk = int(i if index is None else index[i])
                hits.append(DenseHit(chunk_id(eid, gen, chunk), eid, chunk, float(sims[i])))
        return sorted(hits, key=lambda h: -h.similarity)[:k]

    def texts(self, episode_ids: list[str] | None = None) -> list[EpisodeText]:
        """Every (or these) episode's text; those not read yet are read together (`Store.load_chunks_of`)."""
        ids = sorted(self._metas) if episode_ids is None else episode_ids
        with self._lock:
            unread = [(e, self._records[e]["gen"]) for e in ids if e not in self._texts and e in self._records]
        if episode_ids is None:
            self._text_cache.keep_only(list(self.active.items()))
        if len(unread) > 1:
            loaded = self._load_chunks(unread)
            with self._lock:
                for eid, gen in unread:          # unless it was re-ingested or forgotten meanwhile
                    if eid not in self._texts and self._records.get(eid, {}).get("gen") == gen:
                        self._texts[eid] = EpisodeText(self._metas[eid], gen, loaded[eid])
        return [self.text(e) for e in ids]

    def _load_chunks(self, episodes: list[tuple[str, str]]) -> dict[str, list[Chunk]]:
        """The chunks of these (episode, generation) pairs: from the text cache where it has them, the rest from
        the store together (and then kept in the cache)."""
        with self._lock:
            counted = [(eid, gen, _committed_chunks(self._records.get(eid, {}), gen)) for eid, gen in episodes]
        found = self._text_cache.read(counted)
        rest = [(eid, gen) for eid, gen in episodes if eid not in found]
        if rest:
            loaded = self.store.load_chunks_of(rest)
            for eid, gen, count in counted:
                if eid in loaded:
                    self._text_cache.write(eid, gen, count, loaded[eid])
            found.update(loaded)
        return found

    # --- finding an episode by what a user calls it -----------------------------------------------
    @staticmethod
    def _label(meta: EpisodeMeta) -> str:
        return " ".join(x for x in (meta.title, meta.guest or "", meta.episode_id) if x)

    def search_episodes(self, query: str, limit: int = 25) -> list[EpisodeMeta]:
        """Episodes matching a partial id, number, title or guest, best first (autocomplete)."""
        metas = sorted(self._metas.values(), key=lambda m: (m.published or "", m.episode_id), reverse=True)
        q = query.strip().lower()
        if not q:
            return metas[:limit]
        exact = [m for m in metas if m.episode_id.lower() == q]
        exact += [m for m in self._numbered(q, metas) or [] if m not in exact]
        labels = {m.episode_id: self._label(m).lower() for m in metas}
        scored = process.extract(q, labels, scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=60)
        fuzzy = [self._metas[key] for _, _, key in scored if self._metas[key] not in exact]
        return (exact + fuzzy)[:limit]

    def resolve_episode(self, query: str) -> EpisodeMeta:
        """One episode for an id, a number, or a fuzzy title/guest; a clear error otherwise."""
        self.refresh()
        q = query.strip()
        if q in self._metas:
            return self._metas[q]
        if not self._metas:
            raise EpisodeNotFound(EMPTY_LIBRARY)
        numbered = self._numbered(q.lower(), list(self._metas.values()))
        if numbered == []:            # "episode 999": a number no episode has is not a fuzzy title match
            raise EpisodeNotFound(f"no episode numbered {q!r} in the library; try `podbot episodes` for the list")
        found = self.search_episodes(q, limit=3)
        if not found:
            raise EpisodeNotFound(f"no episode matches {q!r}; try `podbot episodes` for the list")
        return found[0]

    def episodes_of(self, query: str) -> list[EpisodeMeta]:
        """The episode `query` names, or, when it is just a guest's name, every episode of that guest ("Jim
        Keller": both of his, not the latest alone), oldest first."""
        meta = self.resolve_episode(query)
        guest = (meta.guest or "").lower()
        if not guest or query.strip() in self._metas or fuzz.ratio(query.strip().lower(), guest) < SAME_NAME:
            return [meta]
        same = [m for m in self._metas.values() if m.guest and fuzz.ratio(m.guest.lower(), guest) >= SAME_NAME]
        return sorted(same, key=lambda m: m.episode_id)

    def named_in(self, text: str) -> tuple[str, EpisodeMeta | None, str | None]:
        """The episode `text` names by number ("in episode 190, what did he say…"): (the text without the
        reference, that episode, None); a number no episode has gives (text, None, the reference as typed);
        no reference, (text, None, None)."""
        ref = episode_reference(text)
        if ref is None:
            return text, None, None
        try:
            meta = self.resolve_episode(ref)
        except EpisodeNotFound:
            return text, None, ref
        return without_reference(text, ref), meta, None

    @staticmethod
    def _numbered(q: str, metas: list[EpisodeMeta]) -> list[EpisodeMeta] | None:
        """Episodes carrying the number `q` names ("94", "#94", "episode 94", "ep. 94", "Lex Fridman Podcast
        #94": a listener's ways to name a number) in their id or title; None when `q` names no number."""
        number = re.fullmatch(r"(?:.*?(?:#|\bepisode\b|\bep\b\.?|\bno\b\.?|\bnumber\b)\s*)?0*(\d{1,4})", q)
        if not number:
            return None
        pattern = re.compile(rf"(?<!\d)0*{number.group(1)}(?!\d)")
        return [m for m in metas if pattern.search(m.episode_id + " " + m.title)]


def _committed_chunks(record: dict, gen: str) -> int | None:
    """How many chunks the episode record committed for `gen` (None for records written before they said)."""
    count = record.get("chunks")
    return count if record.get("gen") == gen and isinstance(count, int) else None
