"""De-duplication as Dask stages, on a cluster or a local one (``pip install 'ingest[dask]'``).

The same decisions as :class:`ingest.DuplicateIndex`, made by partition (the
stage functions are in :mod:`ingest.engines._dask_stages`):

1. **read, prepare, sign** (one task per input file, or per
   ``partition_docs`` documents given in memory): documents, then the core's
   features (:func:`ingest.dedup._features.compute_features`). Partitions
   stay on the workers.
2. **ids**: the client checks ids across partitions (a repeated document is
   dropped, as ``DuplicateIndex.add`` ignores it; the same id with another
   text raises :class:`ingest.IdConflictError`).
3. **band keys** per partition: the exact key, the document bands and the
   sentence bands, with the core's ``(bands, rows)`` (:func:`ingest.dedup._signature.lsh_params`),
   each hashed to 64 bits.
4. **group by band key**: a Dask DataFrame shuffle on the key; each bucket
   yields its candidate pairs (every pair of its members, as a query of the
   single-process LSH returns every member of a bucket) and, for sentence
   buckets, the aligned sentence candidates. A second shuffle, on the pair of
   groups of partitions of each candidate (its *block*; at most
   ``DaskOptions.verify_groups`` groups), brings a block's candidates together
   on a worker, each once; the client learns only the block numbers.
5. **verify** with the core's ``verify``, one task per block, given the
   features of the block's candidates, selected on the workers that hold the
   partitions.
6. **connected components**: the verified links (duplicates only, few) are
   gathered, and the core's union-find and evidence make the clusters
   (:func:`ingest.dedup.cluster_links`).
7. **write** (:meth:`DaskEngine.dedup`): one JSONL file per input partition,
   each document with its cluster id.

The only difference from the single-process engine is the 64-bit hash of a
band key: two different bands with the same hash (about one chance in
``2**64`` per pair of bands) make one more candidate, which verification
then judges on exact sets.

>>> DaskOptions(workers=0)
Traceback (most recent call last):
...
ingest.OptionsError: DaskOptions.workers must be an integer >= 1, got 0
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import attrs

try:
    import dask.config
    import dask.dataframe as dd
    from dask import delayed
    from distributed import Client, Future, LocalCluster, as_completed
    from distributed.system import MEMORY_LIMIT
except ImportError as error:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "the Dask engine needs dask, distributed and pandas: pip install 'ingest[dask]'"
    ) from error

from ..core import Document, instance_of, integer, number
from ..dedup import Cluster, DedupOptions, Link, Node, cluster_links, is_repeat
from ..inputs import Failure, InputError, expand_globs
from ._dask_stages import (
    Prepare,
    RowGroup,
    block_numbers,
    block_partitions,
    block_rows,
    bucket_pairs,
    clean_document,
    empty_keys,
    empty_pairs,
    forget_words,
    id_table,
    part_failures,
    partition_keys,
    partitions,
    select_features,
    sign_partition,
    split_blocks,
    trim_memory,
    verify_block,
    write_partition,
)

_T = TypeVar("_T")

#: Each stage's end and duration, at INFO (``logging.getLogger("ingest.dask")``).
_log = logging.getLogger("ingest.dask")

__all__ = [
    "DaskEngine",
    "DaskOptions",
    "DaskRun",
    "Prepare",
    "clean_document",
]


def _memory_share(options: DaskOptions) -> int:
    """A third of the machine's memory (or of the container's limit), shared by the workers."""
    # attrs runs the factory before the validators: a bad workers is reported by its own.
    workers = options.workers if isinstance(options.workers, int) and options.workers > 0 else 1
    return int(MEMORY_LIMIT // 3 // workers)


@attrs.frozen
class DaskOptions:
    """Where and how the Dask engine runs.

    Attributes:
        scheduler: The address of a running Dask scheduler
            (``tcp://HOST:8786``); ``None`` starts a ``LocalCluster`` for the
            engine's lifetime (its dashboard on a free port).
        workers: Worker processes of the ``LocalCluster``.
        threads_per_worker: Threads per worker of the ``LocalCluster``
            (signing holds the GIL: processes scale, threads do not).
        partition_docs: Documents per partition when documents are given in
            memory (an input file is always one partition).
        shuffle_partitions: Partitions of the band-key shuffle; ``None``:
            as many as input partitions.
        verify_groups: Verification pairs groups of partitions, at most this
            many groups: one task per pair of groups that share candidates
            (at most ``verify_groups * (verify_groups + 1) / 2``), each given
            the features of its candidates only. Fewer groups: fewer, larger
            tasks (more memory each); with up to this many partitions, a group
            is one partition.
        memory_limit: Bytes each worker of the ``LocalCluster`` may use
            (Dask's ``memory_limit``): above 60% of it a worker spills
            partitions to its local disk, at 80% it pauses, at 95% it is
            restarted. Default: a third of the machine's memory (or of its
            container's limit), shared by the workers (4 GB each for 2 workers
            on 24 GB); ``None``: Dask's own default, all the memory, which
            never spills.
        shuffle_buffer: Bytes each worker of the ``LocalCluster`` may hold in the
            send buffers of its shuffles (Dask's ``distributed.p2p.comm.buffer``,
            1 GiB by default): the shards of band keys and candidate pairs waiting
            to go to the other workers. A worker holds its signed partitions too;
            at a million documents Dask's 1 GiB on top of them took the workers
            past their ``memory_limit`` (docs/scaling.md, "Dask"). Default 128 MiB;
            ``None``: Dask's configuration. A cluster at ``scheduler`` has its own
            (``dask worker`` reads ``distributed.p2p.comm.buffer``).
        log_level: The level below which the ``LocalCluster``'s processes
            keep quiet (a :mod:`logging` level); ``logging.CRITICAL`` also
            silences the log of a failed task, whose error the client raises.
        connect_timeout: Seconds to wait for the scheduler at ``scheduler``
            to answer; then :class:`ConnectionError` naming the address.
    """

    scheduler: str | None = attrs.field(default=None, validator=instance_of(str, optional=True))
    workers: int = attrs.field(default=2, validator=integer(1))
    threads_per_worker: int = attrs.field(default=1, validator=integer(1))
    partition_docs: int = attrs.field(default=2000, validator=integer(1))
    shuffle_partitions: int | None = attrs.field(default=None, validator=integer(1, optional=True))
    verify_groups: int = attrs.field(default=32, validator=integer(1))
    memory_limit: int | None = attrs.field(
        default=attrs.Factory(_memory_share, takes_self=True),
        validator=integer(1, optional=True),
    )
    shuffle_buffer: int | None = attrs.field(
        default=128 * 2**20, validator=integer(1, optional=True)
    )
    log_level: int = attrs.field(default=logging.ERROR, validator=integer(0))
    connect_timeout: float = attrs.field(
        default=30.0, validator=number(0, low_open=True, hint="seconds to wait for the scheduler")
    )


@attrs.frozen
class DaskRun:
    """What :meth:`DaskEngine.dedup` did.

    Attributes:
        documents: Documents written: those read (after ``prepare``) less the repeats.
        clusters: Clusters of two or more documents.
        duplicates: Documents in those clusters other than the representatives.
        outputs: The JSONL files written, one per partition, in input order.
        repeated: Documents dropped because they repeat an earlier one (same
            id, same text), as ``DuplicateIndex.add`` ignores them; not in
            ``documents``.
        failures: What could not be read, each a :class:`~ingest.Failure` with its
            file (and line), in input order: a record that is not a document
            (a JSONL line, a Parquet row) always, and with ``keep_going`` any
            input that cannot be read (without it, the first one stops the run).
    """

    documents: int
    clusters: int
    duplicates: int
    outputs: tuple[Path, ...]
    repeated: int = 0
    failures: tuple[Failure, ...] = ()


# -- the engine --------------------------------------------------------------------------


class DaskEngine:
    """A Dask client for de-duplication; a context manager.

    Without a scheduler address it starts a ``LocalCluster`` and closes it on
    exit; with one it connects and leaves the cluster running.

    Args:
        options: Where to run (:class:`DaskOptions`).

    Both methods take a *prepare* step applied to every document on the
    workers before signing (cleaning: :func:`clean_document`); see :data:`Prepare`.
    """

    def __init__(self, options: DaskOptions | None = None) -> None:
        self.options = options if options is not None else DaskOptions()
        self._cluster: LocalCluster | None = None
        if self.options.scheduler is None:
            self._cluster = LocalCluster(
                n_workers=self.options.workers,
                threads_per_worker=self.options.threads_per_worker,
                processes=True,
                dashboard_address=":0",
                silence_logs=self.options.log_level,
                memory_limit=self.options.memory_limit or "auto",
                config=_worker_config(self.options),
            )
            self.client = Client(self._cluster)
        else:
            address, timeout = self.options.scheduler, self.options.connect_timeout
            try:
                self.client = Client(address, timeout=timeout)
            except OSError as error:
                raise ConnectionError(
                    f"no Dask scheduler answered at {address} within {timeout:g} s ({error}): "
                    "check the address and that the scheduler runs (`dask scheduler`), or wait "
                    "longer (DaskOptions.connect_timeout, --connect-timeout)"
                ) from error

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the client, and the ``LocalCluster`` if the engine started one."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def find_duplicates(
        self,
        docs: Sequence[Document] | Sequence[str | Path],
        options: DedupOptions | None = None,
        *,
        prepare: Prepare | None = None,
    ) -> list[Cluster]:
        """The clusters of *docs* (documents, or input files and globs), singletons included.

        Equal to :func:`ingest.find_duplicates` on the same documents and options.
        An input record that cannot be read raises its :class:`~ingest.InputError`
        (:meth:`dedup` reports such records and goes on).
        """
        options = options if options is not None else DedupOptions()
        started = time.monotonic()
        parts = self._sign(docs, options, prepare, keep_docs=False)
        for failure in self._failures(parts):
            raise InputError(
                f"{failure.name}: {failure.reason}", source=failure.source, line=failure.line
            )
        nodes, dropped = self._ids(parts)
        _stage("read, signed, ids", started, documents=len(nodes))
        self._trim()
        links = self._links(parts, dropped, options)
        clusters = cluster_links(nodes, {(a.id, b.id): link for a, b, link in links})
        _stage("clusters", started, clusters=len(clusters))
        return clusters

    def dedup(
        self,
        inputs: Sequence[str | Path],
        output: str | Path,
        options: DedupOptions | None = None,
        *,
        prepare: Prepare | None = None,
        keep_going: bool = False,
    ) -> DaskRun:
        """De-duplicate the input files (globs) into *output*, a directory.

        The inputs are read as the local engine reads them (``docs/cli.md``,
        "Inputs": bundles, JSONL, HTML, text, WARC, Parquet, each compressed
        or not), one partition per file, or per row group of a Parquet file.
        Writes ``part-NNNNN.jsonl`` per partition, in input order: the JSONL
        record of every document (``docs/cli.md``, "JSONL records") with
        ``cluster`` (the representative's id), ``representative`` and
        ``evidence`` (how it joined its cluster). A record that is not a
        document fails alone (:attr:`DaskRun.failures`); *keep_going*: so does
        an input that cannot be read, and the run goes on; without it, the run
        stops there.
        """
        options = options if options is not None else DedupOptions()
        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        parts = self._sign(
            expand_globs([str(i) for i in inputs]),
            options,
            prepare,
            keep_docs=True,
            keep_going=keep_going,
        )
        failures = self._failures(parts)
        nodes, dropped = self._ids(parts)
        _stage("read, signed, ids", started, documents=len(nodes))
        del nodes
        self._trim()
        links = self._links(parts, dropped, options)
        self._trim()
        linked = {n.id: n for a, b, _ in links for n in (a, b)}
        clusters = cluster_links(
            sorted(linked.values(), key=lambda n: n.id),
            {(a.id, b.id): link for a, b, link in links},
        )
        membership = {m.id: (c.id, m.evidence) for c in clusters for m in c.members}
        [shared] = self.client.scatter([membership], broadcast=True)
        paths = tuple(out / f"part-{i:05d}.jsonl" for i in range(len(parts)))
        written = self.client.gather(
            [
                self.client.submit(write_partition, part, dropped.get(i, frozenset()), shared, path)
                for i, (part, path) in enumerate(zip(parts, paths, strict=True))
            ]
        )
        _stage("written", started, files=len(paths))
        duplicates = sum(len(c.members) - 1 for c in clusters)
        repeated = sum(len(rows) for rows in dropped.values())
        return DaskRun(sum(written), len(clusters), duplicates, paths, repeated, failures)

    # -- stages ---------------------------------------------------------------------

    def _trim(self) -> None:
        """Between stages: the workers forget the words they have seen (only signing
        needs them) and give their allocators' free memory back."""
        self.client.run(forget_words)
        self.client.run(trim_memory)

    def _sign(
        self,
        docs: Sequence[Document] | Sequence[str | Path],
        options: DedupOptions,
        prepare: Prepare | None,
        *,
        keep_docs: bool,
        keep_going: bool = False,
    ) -> list[Future]:
        sources: list[Path | RowGroup | list[Document]]
        documents = [d for d in docs if isinstance(d, Document)]
        if len(documents) == len(docs):
            size = self.options.partition_docs
            sources = [documents[i : i + size] for i in range(0, len(documents), size)]
        else:
            sources = list(partitions(expand_globs([str(d) for d in docs])))
        return [
            self.client.submit(
                sign_partition,
                i,
                source,
                options,
                prepare,
                keep_docs,
                keep_going=keep_going,
                pure=False,
            )
            for i, source in enumerate(sources)
        ]

    def _failures(self, parts: list[Future]) -> tuple[Failure, ...]:
        """What could not be read of the inputs, in input order."""
        return tuple(chain.from_iterable(self.client.gather(self.client.map(part_failures, parts))))

    def _ids(self, parts: list[Future]) -> tuple[list[Node], dict[int, frozenset[int]]]:
        """Every document's node, and per partition the rows that repeat a document."""
        tables = self.client.gather(self.client.map(id_table, parts))
        seen: dict[str, tuple[str, int]] = {}
        nodes = []
        dropped: defaultdict[int, set[int]] = defaultdict(set)
        for index, table in enumerate(tables):
            for row, (doc_id, name, words, text_key) in enumerate(table):
                if is_repeat(name, doc_id, text_key, seen.get(doc_id), where="this run"):
                    dropped[index].add(row)
                else:
                    seen[doc_id] = (name, text_key)
                    nodes.append(Node(doc_id, name, words))
        return nodes, {i: frozenset(rows) for i, rows in dropped.items()}

    def _links(
        self, parts: list[Future], dropped: dict[int, frozenset[int]], options: DedupOptions
    ) -> list[tuple[Node, Node, Link]]:
        if not parts:
            return []
        started = time.monotonic()
        # Delayed, not futures: each partition's keys are freed once the shuffle has them.
        key_parts = [
            delayed(partition_keys, pure=True)(part, dropped.get(i, frozenset()), options)
            for i, part in enumerate(parts)
        ]
        keys = dd.from_delayed(key_parts, meta=empty_keys(), verify_meta=False)
        partitions = self.options.shuffle_partitions or len(parts)
        group = -(-len(parts) // self.options.verify_groups)  # partitions per group
        shuffled = keys.shuffle(on="key", npartitions=partitions)
        pairs = shuffled.map_partitions(bucket_pairs, group, meta=empty_pairs())
        # The candidates stay on the workers: a second shuffle brings each block's
        # together, and the client gets the block numbers only.
        by_block = pairs.shuffle(on="block", npartitions=partitions).to_delayed()
        tables: list[Future] = self.client.compute([delayed(split_blocks)(p) for p in by_block])
        numbers: list[list[int]] = self.client.gather(self.client.map(block_numbers, tables))
        order = {block: rank for rank, block in enumerate(sorted(chain.from_iterable(numbers)))}
        _stage("band keys shuffled, candidates by block", started, blocks=len(order))
        self._trim()
        # A few blocks in flight per worker: the features a block copies from another
        # worker are freed when it is done, instead of every block's copies at once.
        limit = 2 * max(1, len(self.client.scheduler_info()["workers"]))
        running: as_completed = as_completed(with_results=True)
        done: list[tuple[int, list[tuple[Node, Node, Link]]]] = []
        pending = list(zip(tables, numbers, strict=True))[::-1]
        del tables
        while pending:
            table, blocks = pending.pop()  # released once its blocks' rows are taken
            for block in blocks:
                # Only the documents of the candidates travel, not whole partitions.
                rows = self.client.submit(block_rows, table, block)
                selected = [
                    self.client.submit(select_features, parts[p], rows, options)
                    for p in block_partitions(block, group, len(parts))
                ]
                running.add(
                    self.client.submit(
                        _numbered, order[block], verify_block, selected, rows, options
                    )
                )
                del rows, selected  # held by the verification task until it ends
                while running.count() >= limit:
                    done.append(next(running)[1])
            del table
        done.extend(result for _, result in running)
        done.sort(key=lambda item: item[0])
        links = [link for _, block in done for link in block]
        _stage("verified", started, links=len(links))
        return links


def _worker_config(options: DaskOptions) -> dict[str, Any]:
    """The Dask configuration the ``LocalCluster``'s workers get on top of the client's.

    A nanny replaces each top-level section of its configuration by the one given, so
    the section given is the whole ``distributed`` one, with the options' values in it.
    """
    if options.shuffle_buffer is None:
        return {}
    ours = {"p2p": {"comm": {"buffer": options.shuffle_buffer}}}
    return {"distributed": dask.config.merge(dask.config.get("distributed"), ours)}


def _stage(name: str, started: float, **counts: int) -> None:
    """Log the end of a stage: its name, the seconds since *started*, what it counted."""
    if _log.isEnabledFor(logging.INFO):
        figures = " ".join(f"{key}={value}" for key, value in counts.items())
        _log.info("%s after %.1f s %s", name, time.monotonic() - started, figures)


def _numbered(number: int, function: Callable[..., _T], *args: Any) -> tuple[int, _T]:
    """``(number, function(*args))``: a task's result with its place in submission order."""
    return number, function(*args)
