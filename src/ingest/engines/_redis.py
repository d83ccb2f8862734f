"""A persistent, incremental duplicate index in Redis (``pip install 'ingest[redis]'``).

:class:`RedisIndex` answers like :class:`ingest.DuplicateIndex` (``add``,
``extend``, ``query``, ``clusters``) but keeps everything in one Redis
database, under the prefix ``ingest:NAME:``, so that opening the index by
name in another process, after a restart, finds the documents added before:

``ingest:NAME:meta`` (string)
    JSON ``{"format": "ingest.RedisIndex", "version": 2, "options": {...},
    "banding": {"document": [BANDS, ROWS], "sentence": [BANDS, ROWS]}}``: the
    banding the LSH buckets below were filed under, kept for the life of the index
    (:func:`ingest.dedup.lsh_banding` may band a new index otherwise). Version 1
    (ingest up to the second session of issue 20) has no ``banding``: both LSH
    indexes were banded at their thresholds, ``near_threshold`` and
    ``sentence_threshold``, and are read so.
``ingest:NAME:docs`` (hash: id -> JSON ``{"slot", "name", "words", "text_key"}``)
    Every document; ``slot`` is its number in the index (from ``ingest:NAME:next``).
``ingest:NAME:features`` (hash: slot -> bytes)
    The document's features (word shingles, signatures, sentence sets) in the
    binary layout of :func:`encode_features`; never pickled.
``ingest:NAME:exact:KEY`` (set of slots)
    The documents with the same normalised words (``exact`` candidates).
``ingest:NAME:links`` (hash: ``"ID1 ID2"`` -> JSON link)
    Every verified pair, for :meth:`RedisIndex.clusters`.
``ingest:NAME:lsh:doc*``, ``ingest:NAME:lsh:sentence*``
    Two datasketch ``MinHashLSH`` indexes with Redis storage and a fixed
    ``basename``: documents (key: slot) and sentences (key: ``slot:index``),
    filled through ``insertion_session`` by :meth:`RedisIndex.extend`.

Candidates come from the two LSH indexes and the exact sets, and every
candidate is verified by the core's ``verify`` on exact sets, as in
:class:`ingest.DuplicateIndex`: the same documents give the same clusters.
One writer at a time: two processes adding at once may miss each other's
documents (each still sees everything added before it started its batch).
"""

from __future__ import annotations

import json
import struct
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Final

import numpy as np

try:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry
except ImportError as error:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "ingest.RedisIndex needs the redis client: pip install 'ingest[redis]'"
    ) from error
from datasketch import MinHashLSH

from ..core import Document, IndexFileError, OptionsError
from ..dedup import (
    Banding,
    Cluster,
    DedupOptions,
    DocFeatures,
    Evidence,
    Link,
    Node,
    Signatures,
    band_keys,
    cluster_links,
    compute_features,
    is_repeat,
    lsh_banding,
    lsh_params,
    ordered_evidence,
    permutations,
    to_minhash,
    verify_candidates,
)

__all__ = [
    "FORMAT",
    "VERSION",
    "IndexOptionsError",
    "RedisIndex",
    "decode_features",
    "encode_features",
]

FORMAT: Final = "ingest.RedisIndex"
VERSION: Final = 2

#: The versions of the meta key this code opens (1: banded at the thresholds).
_READABLE: Final = (1, 2)

_MAGIC: Final = b"IDF1"
_U32: Final = np.dtype("<u4")
#: Documents signed, matched and written per round trip of :meth:`RedisIndex.extend`.
_BATCH: Final = 512
#: Seconds to wait for a TCP connection when the URL sets none
#: (``?socket_connect_timeout=S`` in the URL overrides it): a host that drops
#: packets fails with a clear error instead of hanging.
CONNECT_TIMEOUT: Final = 10.0


def encode_features(features: DocFeatures) -> bytes:
    """*features* as bytes: ``IDF1``, a u32 header length, a JSON header, then u32 arrays.

    The header holds ``id``, ``name``, ``words``, ``text_key``, ``exact_key``
    (16 hex digits) and the array sizes; the arrays follow in this order,
    little-endian: shingles, signature, sentence sizes, sentence hashes
    (concatenated), sentence signatures (row after row).

    >>> from ingest import Document
    >>> from ingest.dedup._features import compute_features
    >>> [f] = compute_features([Document("a", "One two three four five.", id="a")], DedupOptions())
    >>> g = decode_features(encode_features(f))
    >>> (g.id, g.words, bool((g.signature == f.signature).all()))
    ('a', 5, True)
    """
    sizes = features.sentence_sizes.astype(_U32)
    header = {
        "id": features.id,
        "name": features.name,
        "words": features.words,
        "text_key": f"{features.text_key:016x}",
        "exact_key": f"{features.exact_key:016x}",
        "shingles": int(features.shingles.size),
        "num_perm": int(features.signature.size),
        "sentences": int(sizes.size),
        "sentence_num_perm": int(features.sentence_signatures.shape[1])
        if features.sentence_signatures.ndim == 2
        else 0,
    }
    head = json.dumps(header, separators=(",", ":")).encode()
    parts = [
        features.shingles,
        features.signature,
        sizes,
        features.sentence_values,
        features.sentence_signatures.reshape(-1),
    ]
    body = b"".join(np.ascontiguousarray(p, dtype=_U32).tobytes() for p in parts)
    return _MAGIC + struct.pack("<I", len(head)) + head + body


def decode_features(data: bytes, source: str = "<redis>") -> DocFeatures:
    """The features that :func:`encode_features` wrote; raises :class:`ingest.IndexFileError`."""
    try:
        _check(data[:4] == _MAGIC, f"expected the magic {_MAGIC!r}, found {data[:4]!r}")
        (length,) = struct.unpack_from("<I", data, 4)
        header = json.loads(data[8 : 8 + length])
        values = np.frombuffer(data, dtype=_U32, offset=8 + length)
        n, k, s = header["shingles"], header["num_perm"], header["sentences"]
        sizes = values[n + k : n + k + s].astype(np.int64)
        start = n + k + s
        hashes_end = start + int(sizes.sum())
        sentence_signatures = values[hashes_end:].reshape(s, header["sentence_num_perm"])
        _check(
            values.size == hashes_end + s * header["sentence_num_perm"] and values.size >= start,
            f"{values.size} values do not match the sizes in the header",
        )
        return DocFeatures(
            id=header["id"],
            name=header["name"],
            text_key=int(header["text_key"], 16),
            exact_key=int(header["exact_key"], 16),
            words=header["words"],
            shingles=values[:n],
            signature=values[n : n + k],
            sentence_values=values[start:hashes_end],
            sentence_sizes=sizes,
            sentence_signatures=sentence_signatures,
        )
    except (ValueError, KeyError, TypeError, struct.error) as error:
        raise IndexFileError(
            f"stored document features are damaged ({error}); rebuild the index "
            "(RedisIndex.clear, then add the documents again)",
            source=source,
        ) from error


def _stored_banding(meta: dict[str, Any], options: DedupOptions) -> tuple[Banding, Banding]:
    """The ``(bands, rows)`` the LSH buckets of an index with *meta* were filed under."""
    if meta["version"] == 1:  # both LSH indexes banded at their thresholds
        return (
            lsh_params(options.near_threshold, options.num_perm),
            lsh_params(options.sentence_threshold, options.sentence_num_perm),
        )
    stored = meta["banding"]
    document, sentence = ((int(b), int(r)) for b, r in (stored["document"], stored["sentence"]))
    _check(
        document[0] * document[1] <= options.num_perm
        and sentence[0] * sentence[1] <= options.sentence_num_perm
        and min(*document, *sentence) >= 1,
        f"the banding {stored!r} does not fit num_perm {options.num_perm} and "
        f"sentence_num_perm {options.sentence_num_perm}",
    )
    return document, sentence


def _check(condition: bool, message: str) -> None:  # noqa: FBT001 - an assertion helper
    if not condition:
        raise ValueError(message)


def _link_json(link: Link) -> bytes:
    fields: list[object] = [link.kind, link.estimated, link.exact, link.contained]
    if link.kind == "paraphrase":  # its chance level and aligned sentences (issue 18)
        fields += [link.chance, link.first, [list(side) for side in link.aligned]]
    return json.dumps(fields, separators=(",", ":")).encode()


def _link_from_json(data: bytes) -> Link:
    kind, estimated, exact, contained, *paraphrase = json.loads(data)
    if not paraphrase:
        return Link(kind, estimated, exact, contained)
    chance, first, (mine, theirs) = paraphrase
    return Link(kind, estimated, exact, contained, chance, first, (tuple(mine), tuple(theirs)))


class IndexOptionsError(OptionsError):
    """Options that differ from those an existing :class:`RedisIndex` was created with.

    ``str(error)`` names the options that differ; ``name``, ``stored`` (the
    index's options) and ``asked`` are kept for programs (the CLI's message).
    """

    def __init__(self, name: str, stored: DedupOptions, asked: DedupOptions) -> None:
        self.name, self.stored, self.asked = name, stored, asked
        super().__init__(
            f"index {name!r} was created with {_describe_differences(stored, asked)}: "
            "signatures made with other options cannot be compared; open it with "
            "options=None (its own options) or choose another name"
        )


def _describe_differences(stored: DedupOptions, asked: DedupOptions) -> str:
    """``kinds ['exact', 'near'] (not [...]), num_perm 128 (not 64)``: the fields that differ."""
    mine, theirs = stored.to_json(), asked.to_json()
    return ", ".join(
        f"{field} {value!r} (not {theirs[field]!r})"
        for field, value in mine.items()
        if value != theirs[field]
    )


class RedisIndex:
    """A duplicate index stored in Redis under a name, found again after a restart.

    An index keeps the LSH banding it was created with (stored in its meta key), so an
    index created by an older ingest finds its documents with the banding they were
    filed under.

    Args:
        url: A Redis URL, ``redis://HOST:PORT/DB`` (``rediss://`` for TLS).
        name: The index's name: its keys are ``ingest:NAME:*``.
        options: The detection options of a new index. ``None`` opens an
            existing index with its stored options (or creates one with the
            defaults); options that differ from an existing index's raise
            :class:`IndexOptionsError` (an :class:`ingest.OptionsError` that
            names the fields that differ), because signatures made with other
            options cannot be compared.

    Raises :class:`ingest.IndexFileError` when Redis cannot be reached (within
    :data:`CONNECT_TIMEOUT` seconds, unless the URL sets
    ``socket_connect_timeout``) or holds something else under the name.
    """

    def __init__(
        self, url: str, name: str = "default", options: DedupOptions | None = None
    ) -> None:
        if not name or any(c.isspace() for c in name):
            raise OptionsError(f"an index name must be non-empty without spaces, got {name!r}")
        self.url = url
        self.name = name
        self._prefix = f"ingest:{name}:"
        self._source = f"{url} index {name!r}"
        try:
            params = redis.connection.parse_url(url)  # type: ignore[no-untyped-call]
            params.setdefault("socket_connect_timeout", CONNECT_TIMEOUT)
            # A first contact without retries: a wrong URL fails at once.
            with redis.Redis(**params, retry=Retry(NoBackoff(), 0)) as probe:
                probe.ping()
            self._redis = redis.Redis(**params)
            stored = self._redis.get(self._key("meta"))
        except (redis.RedisError, ValueError) as error:
            raise IndexFileError(
                f"could not reach Redis ({error}); start redis-server or check the URL "
                "(redis://HOST:PORT/DB)",
                source=self._source,
            ) from error
        self.options, self.banding = self._open(stored, options)
        self._perms, self._sentence_perms = permutations(self.options)
        config = {"type": "redis", "redis": params}
        self._doc_lsh, self._sentence_lsh = (
            MinHashLSH(
                num_perm=num_perm,
                params=banding,
                storage_config={**config, "basename": self._key(f"lsh:{kind}").encode()},
                prepickle=False,
            )
            for kind, num_perm, banding in zip(
                ("doc", "sentence"),
                (self.options.num_perm, self.options.sentence_num_perm),
                self.banding,
                strict=True,
            )
        )

    def _key(self, suffix: str) -> str:
        return self._prefix + suffix

    def _open(
        self, stored: bytes | str | None, options: DedupOptions | None
    ) -> tuple[DedupOptions, tuple[Banding, Banding]]:
        """The options and LSH banding of the index: stored ones, or *options*' for a new one."""
        if stored is None:
            chosen = options if options is not None else DedupOptions()
            banding = lsh_banding(chosen)
            meta = {
                "format": FORMAT,
                "version": VERSION,
                "options": chosen.to_json(),
                "banding": dict(zip(("document", "sentence"), banding, strict=True)),
            }
            self._redis.set(self._key("meta"), json.dumps(meta))
            return chosen, banding
        try:
            meta = json.loads(stored)
            _check(
                meta.get("format") == FORMAT and meta.get("version") in _READABLE,
                f"expected {FORMAT} version {' or '.join(map(str, _READABLE))}, found {meta!r}",
            )
            found = DedupOptions.from_json(meta["options"])
            banding = _stored_banding(meta, found)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise IndexFileError(
                f"the key {self._key('meta')!r} does not describe an ingest index: {error}; "
                "choose another name",
                source=self._source,
            ) from error
        if options is not None and options != found:
            raise IndexOptionsError(self.name, found, options)
        return found, banding

    def __len__(self) -> int:
        return int(self._redis.hlen(self._key("docs")))

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and bool(self._redis.hexists(self._key("docs"), doc_id))

    def add(self, doc: Document) -> list[Evidence]:
        """Add *doc*; return its verified matches among the documents indexed before."""
        return self.extend([doc])[0]

    def extend(self, docs: Iterable[Document]) -> list[list[Evidence]]:
        """Add many documents, in batches with one LSH ``insertion_session`` each.

        Returns each document's matches among those indexed before it (earlier
        in *docs* included), as :meth:`add` would.
        """
        result: list[list[Evidence]] = []
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) == _BATCH:
                result.extend(self._add_batch(batch))
                batch = []
        if batch:
            result.extend(self._add_batch(batch))
        return result

    def query(self, doc: Document) -> list[Evidence]:
        """The verified matches of *doc* in the index, strongest first; the index is unchanged."""
        [features] = compute_features([doc], self.options)
        return ordered_evidence(
            features.id, self._match(features, _Batch(self.options, self.banding))
        )

    def clusters(self) -> list[Cluster]:
        """Every document's cluster, singletons included, as :meth:`DuplicateIndex.clusters`."""
        nodes = []
        for doc_id, raw in self._redis.hscan_iter(self._key("docs")):
            entry = json.loads(raw)
            nodes.append(Node(doc_id.decode(), entry["name"], entry["words"]))
        nodes.sort(key=lambda n: n.id)
        links = {}
        for pair, raw in self._redis.hscan_iter(self._key("links")):
            a, b = pair.decode().split(" ")
            links[a, b] = _link_from_json(raw)
        return cluster_links(nodes, links)

    def clear(self) -> None:
        """Delete the index (every key under ``ingest:NAME:``) from Redis."""
        keys = list(self._redis.scan_iter(match=self._prefix + "*", count=1000))
        for start in range(0, len(keys), 1000):
            self._redis.delete(*keys[start : start + 1000])

    def close(self) -> None:
        """Close the connections to Redis."""
        self._redis.close()

    # -- internals ---------------------------------------------------------------

    def _add_batch(self, docs: Sequence[Document]) -> list[list[Evidence]]:
        all_features = compute_features(docs, self.options)
        known = self._redis.hmget(self._key("docs"), [f.id for f in all_features])
        batch = _Batch(self.options, self.banding)
        result = []
        for features, stored in zip(all_features, known, strict=True):
            entry = json.loads(stored) if stored is not None else batch.entries.get(features.id)
            held = None if entry is None else (entry["name"], int(entry["text_key"], 16))
            where = f"index {self.name!r}"
            if is_repeat(features.name, features.id, features.text_key, held, where=where):
                result.append(ordered_evidence(features.id, self._match(features, batch)))
                continue
            links = self._match(features, batch)
            batch.add(features, links)
            result.append(ordered_evidence(features.id, links))
        self._write(batch)
        return result

    def _write(self, batch: _Batch) -> None:
        if not batch.features:
            return
        first = int(self._redis.incrby(self._key("next"), len(batch.features))) - len(
            batch.features
        )
        pipe = self._redis.pipeline(transaction=True)
        with (
            self._doc_lsh.insertion_session() as docs,
            self._sentence_lsh.insertion_session() as sents,
        ):
            for offset, features in enumerate(batch.features):
                slot = first + offset
                entry = {**batch.entries[features.id], "slot": slot}
                pipe.hset(self._key("docs"), features.id, json.dumps(entry))
                pipe.hset(self._key("features"), str(slot), encode_features(features))
                if features.words:
                    pipe.sadd(self._key(f"exact:{features.exact_key:016x}"), slot)
                    minhash = to_minhash(features.signature, self._perms)
                    docs.insert(b"%d" % slot, minhash, check_duplication=False)
                for i, sig in enumerate(features.sentence_signatures):
                    minhash = to_minhash(sig, self._sentence_perms)
                    sents.insert(b"%d:%d" % (slot, i), minhash, check_duplication=False)
            for (a, b), link in batch.links.items():
                pipe.hset(self._key("links"), f"{a} {b}", _link_json(link))
            pipe.execute()

    def _match(self, features: DocFeatures, batch: _Batch) -> dict[str, Link]:
        """The verified links of *features* to indexed documents and to *batch*, by id."""
        if features.words == 0:
            return {}
        # One round trip for every bucket of the document and of its sentences.
        pipe = self._redis.pipeline(transaction=False)
        pipe.smembers(self._key(f"exact:{features.exact_key:016x}"))
        _queue_buckets(pipe, self._doc_lsh, features.signature)
        for sig in features.sentence_signatures:
            _queue_buckets(pipe, self._sentence_lsh, sig)
        replies = pipe.execute()
        slots: set[int] = {int(s) for s in replies[0]}
        doc_bands = self._doc_lsh.b
        for members in replies[1 : 1 + doc_bands]:
            slots.update(int(k) for k in members)
        by_document = set(slots)
        sentence_pairs: defaultdict[int, set[tuple[int, int]]] = defaultdict(set)
        sent_bands = self._sentence_lsh.b
        for i in range(len(features.sentence_signatures)):
            first = 1 + doc_bands + i * sent_bands
            for members in replies[first : first + sent_bands]:
                for key in members:
                    slot, j = key.split(b":")
                    sentence_pairs[int(slot)].add((i, int(j)))
        slots.update(sentence_pairs)
        ordered = sorted(slots)
        raw: list[Any] = (
            self._redis.hmget(self._key("features"), [str(s) for s in ordered]) if ordered else []
        )
        # A slot without features is a batch's that has not finished: left out.
        stored = {
            slot: decode_features(data, self._source)
            for slot, data in zip(ordered, raw, strict=True)
            if data is not None
        }
        pairs = {slot: sorted(found) for slot, found in sentence_pairs.items()}
        links = verify_candidates(
            features, stored, stored, pairs, self.options, by_document=by_document
        )
        links.update(batch.match(features))
        return links


def _queue_buckets(pipe: Any, lsh: MinHashLSH, sig: Signatures) -> None:
    """Queue on *pipe* the reads of the ``lsh.b`` buckets of *sig* in *lsh*'s Redis storage.

    The keys are those ``MinHashLSH.query`` reads (one round trip per band),
    read here in one pipeline with the others of a document.
    """
    for table, key in zip(lsh.hashtables, band_keys(sig, lsh.b, lsh.r), strict=True):
        pipe.smembers(table.redis_key(key))


class _Batch:
    """The documents of one :meth:`RedisIndex.extend` batch, before they reach Redis.

    Documents of a batch match each other through in-memory LSH indexes with
    the same parameters as the Redis ones.
    """

    def __init__(self, options: DedupOptions, banding: tuple[Banding, Banding]) -> None:
        self.options = options
        self._perms, self._sentence_perms = permutations(options)
        self.features: list[DocFeatures] = []
        self.entries: dict[str, dict[str, Any]] = {}
        self.links: dict[tuple[str, str], Link] = {}
        self._exact: defaultdict[int, list[int]] = defaultdict(list)
        self._doc_lsh, self._sentence_lsh = (
            MinHashLSH(num_perm=num_perm, params=params)
            for num_perm, params in zip(
                (options.num_perm, options.sentence_num_perm), banding, strict=True
            )
        )

    def match(self, features: DocFeatures) -> dict[str, Link]:
        if not self.features or features.words == 0:
            return {}
        candidates: set[int] = set(self._exact.get(features.exact_key, ()))
        candidates.update(self._doc_lsh.query(to_minhash(features.signature, self._perms)))
        by_document = set(candidates)
        sentence_pairs: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        for i, sig in enumerate(features.sentence_signatures):
            for index, j in self._sentence_lsh.query(to_minhash(sig, self._sentence_perms)):
                sentence_pairs[index].append((i, j))
        candidates.update(sentence_pairs)
        return verify_candidates(
            features,
            self.features,
            candidates,
            sentence_pairs,
            self.options,
            by_document=by_document,
        )

    def add(self, features: DocFeatures, links: dict[str, Link]) -> None:
        index = len(self.features)
        self.features.append(features)
        self.entries[features.id] = {
            "name": features.name,
            "words": features.words,
            "text_key": f"{features.text_key:016x}",
        }
        for other, link in links.items():
            self.links[min(features.id, other), max(features.id, other)] = link
        if features.words:
            self._exact[features.exact_key].append(index)
            self._doc_lsh.insert(index, to_minhash(features.signature, self._perms))
        for i, sig in enumerate(features.sentence_signatures):
            self._sentence_lsh.insert((index, i), to_minhash(sig, self._sentence_perms))
