"""The Chroma store: chunks (vectors + verbatim text + per-sentence times), their tiles' vectors (the
runs of ~3 sentences the embedder read; `ingest.chunking.tile_bounds`), wide passages' vectors (two chunks
read as one; `ingest.chunking.wide_starts`) and one record per episode.

Atomic per episode without transactions: chunk ids carry a content generation (`episode:gen:index`),
wide passages, tiles and then chunks are written first (tile and wide ids extend their chunk's), and the
episode record naming the generation is written last — that record is the commit. Readers only see what the
committed generation wrote, so a killed ingest leaves nothing visible, and the re-run writes the very same ids
(same content -> same generation) without duplicates.
"""
from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from filelock import FileLock

from ingest.errors import StoreError, StoreModelMismatch, StoreUnavailable
from ingest.models import Chunk, EpisodeMeta
from ingest.settle import SYNC_THRESHOLD, settle_in_fresh_process
from ingest.settings import Settings

SCHEMA_VERSION = 1
# HNSW candidates examined per query. With Chroma's default (100), a 69,000-chunk store (all 319 Lexicap
# episodes) returned on average 94.6% of the exact 40 nearest chunks, as few as 72.5% for some questions;
# with 400, 99.3% (min 92.5%) at the same latency (bench/scale.py reports both).
SEARCH_EF = 400
# Tiles are read by id, never searched by vector (a search over them gained nothing; README "Tiles"), so their
# graph is built cheaply: the tiles' upsert on 10 Lexicap episodes (4,132 tiles) 1.17 -> 0.71 s. Applies to
# collections created from now on; an existing one keeps the graph it has.
TILE_HNSW = {"space": "cosine", "ef_construction": 16, "max_neighbors": 4}


def chunk_id(episode_id: str, gen: str, index: int) -> str:
    """A chunk's id in the store: its episode, the generation that wrote it, its place in the episode."""
    return f"{episode_id}:{gen}:{index}"


def tile_id(chunk: str, position: int) -> str:
    """A tile's id: its chunk's id and its place in the chunk."""
    return f"{chunk}/{position}"


def wide_id(chunk: str) -> str:
    """A wide passage's id: the id of its first chunk, marked."""
    return f"{chunk}/wide"


def tile_generation(tile: str) -> str:
    """The generation a tile id was written by (tiles carry no metadata but their episode)."""
    return tile.rsplit(":", 2)[-2]


@dataclass(slots=True)
class DenseHit:
    chunk_id: str
    episode_id: str
    index: int
    similarity: float


def _is_connection_problem(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(word in text for word in ("connect", "connection", "timed out", "timeout", "unreachable",
                                         "refused", "remoteprotocol", "readerror", "network"))


LOAD_EPISODES = 8        # episodes whose chunks one store call reads (Library.texts)
LOCK_RETRIES = 6        # a Chroma server's SQLite busy with another writer: retried for up to ~3 s in all


def _is_locked(exc: BaseException) -> bool:
    return "database is locked" in str(exc).lower()


def _retry_locked(call, *args, **kwargs):
    """`call`, retried with backoff while the database is locked by another writer. Two podbot processes opening
    or writing one Chroma server at once hit SQLite's lock ("(code: 5) database is locked"); every operation
    podbot sends is a read or idempotent (upsert, delete, modify by id), so it is safe to send again."""
    for attempt in range(LOCK_RETRIES - 1):
        try:
            return call(*args, **kwargs)
        except Exception as exc:  # chromadb wraps the server's error in InternalError, embedded in its own types
            if not _is_locked(exc):
                raise
            time.sleep(0.05 * 2 ** attempt)
    return call(*args, **kwargs)                       # the last try: a lock that never clears surfaces


class _Retrying:
    """A Chroma collection whose calls are retried while the database is locked (`_retry_locked`)."""

    def __init__(self, collection):
        self._collection = collection

    def __getattr__(self, name: str):
        value = getattr(self._collection, name)
        if not callable(value):
            return value
        return lambda *args, **kwargs: _retry_locked(value, *args, **kwargs)


class Store:
    """Podbot's view of one Chroma database (embedded on disk, or a `chroma run` server)."""

    def __init__(self, settings: Settings, *, embed_model: str, embed_dim: int, client: Any = None):
        self.settings = settings
        self.embed_model = embed_model
        self.embed_dim = embed_dim
        self.where = (f"Chroma server {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host
                      else f"Chroma store {settings.chroma_path}")
        with self.guard("opening"):
            self.client = client or self._connect(settings)
            meta = {"hnsw:space": "cosine", "embed_model": embed_model, "embed_dim": embed_dim,
                    "schema": SCHEMA_VERSION}
            prefix = settings.podbot_collection_prefix
            create = self.client.get_or_create_collection
            self.chunks = _Retrying(_retry_locked(create, f"{prefix}_chunks", metadata=meta,
                                                  embedding_function=None))
            self.tiles = _Retrying(_retry_locked(create, f"{prefix}_tiles", metadata=meta,
                                                 configuration={"hnsw": TILE_HNSW}, embedding_function=None))
            self.wide = _Retrying(_retry_locked(create, f"{prefix}_wide", metadata=meta,
                                                embedding_function=None))
            self.episodes = _Retrying(_retry_locked(create, f"{prefix}_episodes", metadata=meta,
                                                    embedding_function=None))
            for searched in (self.chunks, self.wide):
                self._widen_search(searched)
        self._writes = 0                        # chunk and wide-passage writes so far...
        self._settled_writes = 0                # ...and how many of them the last `settle` saw
        self._check_model(self.chunks.metadata or {})

    @staticmethod
    def _widen_search(collection) -> None:
        """Search SEARCH_EF graph candidates per query (Chroma's default is 100), also in older stores: the
        setting is mutable and lives with the collection."""
        hnsw = (getattr(collection, "configuration", None) or {}).get("hnsw") or {}
        if (hnsw.get("ef_search") or 0) < SEARCH_EF:
            collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
        if hnsw.get("sync_threshold", SYNC_THRESHOLD) != SYNC_THRESHOLD:      # a `settle` killed half-way
            collection.modify(configuration={"hnsw": {"sync_threshold": SYNC_THRESHOLD}})

    @property
    def unsettled(self) -> bool:
        """Chunks or wide passages were written since the last `settle` began."""
        return self._writes != self._settled_writes

    def settle(self, *, force: bool = False) -> None:
        """Save the searched collections' vector indexes whole, so that every process that opens the store searches
        the same graph (`ingest.settle`). Ingests call it when they are done; a no-op when this Store wrote no
        chunks since, unless `force`d (a store an older podbot wrote). A Chroma server keeps one graph for all its
        clients while it runs, so there is nothing to do there."""
        if not (self.unsettled or force):
            return
        writes = self._writes                   # what a write made meanwhile is left for the next settle
        if not self.settings.chroma_host:
            with self.guard("saving the vector indexes"):
                # a search reads SEARCH_EF records of the graph: one of no more is read whole, in any order
                names = [c.name for c in (self.chunks, self.wide) if c.count() > SEARCH_EF]
                if names:
                    settle_in_fresh_process(self.settings.chroma_path, names)
        self._settled_writes = writes

    # --- connection -------------------------------------------------------------------------------
    @staticmethod
    def _connect(settings: Settings):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       ssl=settings.chroma_ssl, settings=chroma_settings)
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)

    @contextlib.contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Turn a dead or unreachable Chroma into one clear StoreUnavailable line."""
        try:
            yield
        except (StoreError, KeyboardInterrupt):
            raise
        except Exception as exc:  # chromadb raises httpx, ValueError and its own types for the same fault
            if _is_connection_problem(exc):
                raise StoreUnavailable(f"{self.where} is unavailable while {doing}: "
                                       f"{str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__}"
                                       + (" — is `chroma run` up?" if self.settings.chroma_host else "")) from exc
            raise StoreError(f"{self.where}: {doing} failed: {type(exc).__name__}: "
                             f"{str(exc).splitlines()[0][:160] if str(exc) else ''}") from exc

    def _check_model(self, meta: dict[str, Any]) -> None:
        built_with = meta.get("embed_model")
        if built_with and (built_with != self.embed_model or meta.get("embed_dim") != self.embed_dim):
            raise StoreModelMismatch(
                f"{self.where} was built with embedding model {built_with!r} "
                f"({meta.get('embed_dim')} dims) but podbot is configured for {self.embed_model!r} "
                f"({self.embed_dim} dims); set PODBOT_EMBED_MODEL={built_with} or use another "
                "PODBOT_DATA_DIR / PODBOT_COLLECTION_PREFIX and re-ingest")

    def heartbeat(self) -> None:
        with self.guard("checking the connection"):
            self.client.heartbeat()

    def lock(self, episode_id: str) -> FileLock:
        """Serialises writers of one episode on this machine (two ingests of it at once)."""
        folder = self.settings.podbot_data_dir / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        return FileLock(str(folder / f"{episode_id}.lock"), timeout=600)

    # --- episodes ---------------------------------------------------------------------------------
    @staticmethod
    def _episode_record(meta: EpisodeMeta, gen: str, n_chunks: int, n_sentences: int,
                        n_tiles: int = 0, n_wide: int = 0) -> dict[str, Any]:
        record: dict[str, Any] = {
            "title": meta.title, "source": meta.source, "caption_kind": meta.caption_kind,
            "duration": float(meta.duration), "timed": meta.timed, "gen": gen, "chunks": n_chunks,
            "sentences": n_sentences, "tiles": n_tiles, "wide": n_wide, "ingested_at": time.time(),
            "schema": SCHEMA_VERSION,
        }
        for key in ("url", "video_id", "language", "published", "guest"):
            value = getattr(meta, key)
            if value:
                record[key] = value
        if meta.chapters:
            record["chapters"] = json.dumps(meta.chapters)
        return record

    @staticmethod
    def _meta_from_record(episode_id: str, record: dict[str, Any], description: str | None) -> EpisodeMeta:
        chapters = [tuple(c) for c in json.loads(record["chapters"])] if record.get("chapters") else []
        return EpisodeMeta(
            episode_id=episode_id, title=record.get("title", episode_id), source=record.get("source", ""),
            url=record.get("url"), video_id=record.get("video_id"), language=record.get("language"),
            caption_kind=record.get("caption_kind", "unknown"), duration=record.get("duration", 0.0),
            timed=record.get("timed", True), published=record.get("published"),
            description=description or None, chapters=chapters, guest=record.get("guest"))

    def list_episodes(self) -> list[tuple[EpisodeMeta, dict[str, Any]]]:
        """Every committed episode with its store record (gen, chunk count, ingest time)."""
        with self.guard("listing episodes"):
            got = self.episodes.get(include=["metadatas", "documents"])
        out = [(self._meta_from_record(eid, rec or {}, doc), rec or {})
               for eid, rec, doc in zip(got["ids"], got["metadatas"], got["documents"])]
        return sorted(out, key=lambda pair: pair[0].episode_id)

    def get_episode(self, episode_id: str) -> tuple[EpisodeMeta, dict[str, Any]] | None:
        with self.guard("reading an episode"):
            got = self.episodes.get(ids=[episode_id], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        return self._meta_from_record(episode_id, got["metadatas"][0] or {}, got["documents"][0]), \
            got["metadatas"][0] or {}

    # --- writing ----------------------------------------------------------------------------------
    def _batches(self, n: int) -> Iterator[slice]:
        size = min(self.client.get_max_batch_size(), 2000)
        for lo in range(0, n, size):
            yield slice(lo, min(n, lo + size))

    @staticmethod
    def chunk_metadata(chunk: Chunk, gen: str) -> dict[str, Any]:
        """A chunk's record: the keys readers filter on, the text, and its sentences' places and times in one
        JSON string.

        Written this way because Chroma's write cost is per metadata value and per indexed document: the text as
        a Chroma document gets a full-text (trigram) index podbot never queries (it keeps its own BM25), and
        every element of a list is a row of its own. On 10 Lexicap episodes (1,926 chunks) the chunks' upsert
        took 3.3 s with text as document and lists as lists, 0.9 s like this. Stores written the old way are
        read as they are (`_chunk_from_record`)."""
        timing = [chunk.first_sentence, [int(o) for o in chunk.offsets], [float(t) for t in chunk.starts],
                  [float(t) for t in chunk.ends], chunk.speakers or None]
        return {"episode_id": chunk.episode_id, "gen": gen, "ep_gen": f"{chunk.episode_id}@{gen}",
                "idx": chunk.index, "text": chunk.text, "timing": json.dumps(timing, separators=(",", ":"))}

    @staticmethod
    def _chunk_from_record(episode_id: str, meta: dict[str, Any], document: str | None) -> Chunk:
        if "timing" in meta:
            first, offsets, starts, ends, speakers = json.loads(meta["timing"])
            return Chunk(episode_id=episode_id, index=meta["idx"], first_sentence=first, text=meta["text"],
                         offsets=offsets, starts=starts, ends=ends, speakers=speakers or None)
        return Chunk(episode_id=episode_id, index=meta["idx"], first_sentence=meta["first_sentence"],   # before
                     text=document or "", offsets=list(meta["offsets"]), starts=list(meta["starts"]),
                     ends=list(meta["ends"]), speakers=list(meta["speakers"]) if meta.get("speakers") else None)

    def write_wide(self, episode_id: str, gen: str, starts: list[int], vectors: np.ndarray) -> None:
        """Stage one generation's wide passages (the first chunk of each, with vectors); invisible to readers
        until `commit_episode`."""
        assert len(starts) == len(vectors)
        ids = [wide_id(chunk_id(episode_id, gen, i)) for i in starts]
        self._writes += 1
        with self.guard("writing wide passages"):
            for part in self._batches(len(ids)):
                self.wide.upsert(ids=ids[part], embeddings=vectors[part], metadatas=[
                    {"episode_id": episode_id, "gen": gen, "ep_gen": f"{episode_id}@{gen}", "idx": i}
                    for i in starts[part]])

    def write_chunks(self, gen: str, chunks: list[Chunk], vectors: np.ndarray,
                     tiles: list[tuple[int, int]] | None = None, tile_vectors: np.ndarray | None = None) -> None:
        """Stage one generation's chunks (and their tiles first: (chunk index, position) each, with vectors);
        invisible to readers until `commit_episode`."""
        if tiles:
            assert tile_vectors is not None and len(tile_vectors) == len(tiles)
            episode_id = chunks[0].episode_id
            tids = [tile_id(chunk_id(episode_id, gen, c), j) for c, j in tiles]
            with self.guard("writing tiles"):
                for part in self._batches(len(tids)):       # the id says chunk, generation and place
                    self.tiles.upsert(ids=tids[part], embeddings=tile_vectors[part],
                                      metadatas=[{"episode_id": episode_id}] * len(tids[part]))
        ids = [chunk_id(c.episode_id, gen, c.index) for c in chunks]
        self._writes += 1
        with self.guard("writing chunks"):
            for part in self._batches(len(chunks)):
                self.chunks.upsert(ids=ids[part], embeddings=vectors[part],
                                   metadatas=[self.chunk_metadata(c, gen) for c in chunks[part]])

    def _tile_ids(self, episode_id: str) -> list[str]:
        return self.tiles.get(where={"episode_id": episode_id}, include=[])["ids"]

    def staged_count(self, episode_id: str, gen: str, collection: str = "chunks") -> int:
        with self.guard(f"counting {collection}"):
            if collection == "tiles":
                return sum(tile_generation(tid) == gen for tid in self._tile_ids(episode_id))
            return len(getattr(self, collection).get(where={"ep_gen": f"{episode_id}@{gen}"}, include=[])["ids"])

    def commit_episode(self, meta: EpisodeMeta, gen: str, n_chunks: int, n_sentences: int,
                       vector: np.ndarray, n_tiles: int = 0, n_wide: int = 0) -> None:
        """Make a staged generation visible (the episode record is the commit), then drop older ones."""
        for kind, expected in (("chunks", n_chunks), ("tiles", n_tiles), ("wide", n_wide)):
            staged = self.staged_count(meta.episode_id, gen, kind) if expected else 0
            if staged != expected:
                raise StoreError(f"{self.where}: episode {meta.episode_id}: {staged} of {expected} {kind} "
                                 "were stored; not committing (re-run the ingest)")
        record = self._episode_record(meta, gen, n_chunks, n_sentences, n_tiles, n_wide)
        with self.guard("committing an episode"):
            self.episodes.upsert(ids=[meta.episode_id], embeddings=vector[None, :],
                                 documents=[meta.description or ""], metadatas=[record])
        self.drop_stale(meta.episode_id, keep={gen})

    def update_episode_meta(self, meta: EpisodeMeta, record: dict[str, Any],
                            vector: np.ndarray | None = None) -> None:
        """Metadata-only change (title, url…): no re-embedding of chunks.

        `vector` is the new title vector; without it the stored one is re-sent. Chroma must always get one:
        given a document without a vector it embeds it with its default model, which downloads (offline: fails).
        """
        new: dict[str, Any] = self._episode_record(meta, record["gen"], record["chunks"],
                                                   record.get("sentences", 0), record.get("tiles", 0),
                                                   record.get("wide", 0))
        new["ingested_at"] = record.get("ingested_at", new["ingested_at"])
        for key in record:                      # Chroma merges metadata: a key set to None is removed
            new.setdefault(key, None)
        with self.guard("updating episode metadata"):
            if vector is None:
                got = self.episodes.get(ids=[meta.episode_id], include=["embeddings"])
                vector = np.asarray(got["embeddings"][0], dtype=np.float32)
            self.episodes.update(ids=[meta.episode_id], embeddings=vector[None, :], metadatas=[new],
                                 documents=[meta.description or ""])

    def drop_stale(self, episode_id: str, keep: set[str]) -> None:
        with self.guard("removing stale chunks"):
            where: dict[str, Any] = {"episode_id": episode_id}
            if keep:
                where = {"$and": [where, {"gen": {"$nin": sorted(keep)}}]}
            self.chunks.delete(where=where)
            self.wide.delete(where=where)
            stale = [tid for tid in self._tile_ids(episode_id) if tile_generation(tid) not in keep]
            if stale:
                self.tiles.delete(ids=stale)

    def forget(self, episode_id: str) -> bool:
        """Remove an episode: the record first (instantly invisible), then its chunks, tiles and wide passages."""
        with self.lock(episode_id):
            existed = self.get_episode(episode_id) is not None
            with self.guard("forgetting an episode"):
                self.episodes.delete(ids=[episode_id])
            self.drop_stale(episode_id, keep=set())
        return existed

    # --- reading ----------------------------------------------------------------------------------
    def load_chunks(self, episode_id: str, gen: str) -> list[Chunk]:
        """All committed chunks of one episode, in order: together they are its full timed transcript."""
        return self.load_chunks_of([(episode_id, gen)])[episode_id]

    def load_chunks_of(self, episodes: list[tuple[str, str]]) -> dict[str, list[Chunk]]:
        """`load_chunks` for many (episode id, generation) pairs, LOAD_EPISODES per store call: Chroma's cost is
        mostly per call, so reading a library's 318 episodes this way takes a fraction of a call per episode."""
        out: dict[str, list[Chunk]] = {e: [] for e, _ in episodes}
        for lo in range(0, len(episodes), LOAD_EPISODES):
            keys = [f"{e}@{g}" for e, g in episodes[lo:lo + LOAD_EPISODES]]
            where = {"ep_gen": keys[0]} if len(keys) == 1 else {"ep_gen": {"$in": keys}}
            with self.guard("loading chunks"):
                got = self.chunks.get(where=where, include=["metadatas", "documents"])
            for m, doc in zip(got["metadatas"], got["documents"]):
                eid = m["episode_id"]
                if eid in out:
                    out[eid].append(self._chunk_from_record(eid, m, doc))
        for chunks in out.values():
            chunks.sort(key=lambda c: c.index)
        return out

    def load_vectors(self, episode_id: str, gen: str) -> np.ndarray:
        """The chunk vectors of one episode in chunk order (topic segmentation reuses them)."""
        with self.guard("loading vectors"):
            got = self.chunks.get(where={"ep_gen": f"{episode_id}@{gen}"}, include=["metadatas", "embeddings"])
        order = np.argsort([m["idx"] for m in got["metadatas"]])
        return np.asarray(got["embeddings"], dtype=np.float32)[order]

    def load_wide(self, episode_id: str, gen: str) -> tuple[np.ndarray, np.ndarray]:
        """(first chunk index, vector) of one episode's wide passages, in order; empty for an episode ingested
        before they were stored."""
        with self.guard("loading wide passages"):
            got = self.wide.get(where={"ep_gen": f"{episode_id}@{gen}"}, include=["metadatas", "embeddings"])
        starts = np.asarray([m["idx"] for m in got["metadatas"]], dtype=np.int64)
        order = np.argsort(starts)
        vectors = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(starts), -1)
        return starts[order], vectors[order]

    def tile_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored tile vectors by id (ids of episodes ingested before tiles existed are simply absent)."""
        if not ids:
            return {}
        with self.guard("loading tile vectors"):
            got = self.tiles.get(ids=ids, include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"])}

    def dense_search(self, vector: np.ndarray, k: int, active: dict[str, str],
                     episode_ids: list[str] | None = None, collection: str = "chunks") -> list[DenseHit]:
        """Nearest chunks (or, `collection="wide"`, wide passages: their first chunk's index) of committed
        generations; `active` maps episode id -> committed gen."""
        if episode_ids is not None:
            keys = [f"{e}@{active[e]}" for e in episode_ids if e in active]
            if not keys:
                return []
            where: dict[str, Any] | None = {"ep_gen": keys[0]} if len(keys) == 1 else {"ep_gen": {"$in": keys}}
            n = k
        else:
            where, n = None, k + 16          # room for staged/orphaned chunks, filtered out below
        with self.guard("searching"):
            while True:
                # Chroma returns fewer than n_results when fewer match: no count() round trip per query
                got = getattr(self, collection).query(query_embeddings=[vector], n_results=n, where=where,
                                                      include=["metadatas", "distances"])
                hits = []
                for cid, meta, dist in zip(got["ids"][0], got["metadatas"][0], got["distances"][0]):
                    if active.get(meta["episode_id"]) != meta["gen"]:
                        continue
                    hits.append(DenseHit(cid, meta["episode_id"], meta["idx"], 1.0 - float(dist)))
                # Uncommitted chunks (a killed ingest's leftovers) can crowd the nearest n: widen and retry.
                if len(hits) >= k or where is not None or len(got["ids"][0]) < n:
                    return hits[:k]
                n *= 4
