"""The commands over the engines beyond one process (``docs/scaling.md``).

``ingest dedup --engine dask`` runs :meth:`ingest.DaskEngine.dedup`;
``ingest index add|query`` work on an :class:`ingest.RedisIndex`. Both import
their engine only when they run (the extras are optional) and turn a missing
extra into a usage error that names ``pip install 'ingest[EXTRA]'``.
Parsing is in :mod:`ingest.cli._main`; this module runs the parsed arguments.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO
from urllib.parse import urlsplit

import attrs

import ingest

from ..cleaning import CleanOptions
from ..core import (
    Document,
    IdConflictError,
    IndexFileError,
    OptionsError,
    write_text,
)
from ..dedup import KINDS, DedupOptions
from ..inputs import check_inputs, expand_globs
from ..pipeline import Pipeline, PipelineOptions, summary
from ._exit import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from ..dedup import Evidence
    from ._console import Console

__all__ = ["check_engine_args", "dedup_options", "dedup_with_dask", "index_command"]

#: The URL schemes of ``redis.from_url``.
_REDIS_SCHEMES: Final = frozenset({"redis", "rediss", "unix"})
#: Documents per :meth:`RedisIndex.extend` call (at most one batch of the index).
_INDEX_BATCH: Final = 256


def dedup_options(args: argparse.Namespace) -> DedupOptions:
    """The de-duplication options that ``--kinds`` asks for (every kind without it), and
    ``--candidate-sentences`` where the command has it."""
    options = DedupOptions() if args.kinds is None else DedupOptions(kinds=args.kinds)
    minimum = getattr(args, "candidate_sentences", 1)
    return attrs.evolve(options, min_candidate_sentences=minimum)


def check_engine_args(args: argparse.Namespace) -> None:
    """Refuse flag combinations of ``ingest dedup`` that mean nothing (a usage error)."""
    if args.engine != "dask":
        if args.keep_going:
            raise OptionsError(
                "--keep-going is for --engine dask; --engine local always goes on past an "
                "input it cannot read (and reports it), unless --strict"
            )
        if args.scheduler is not None:
            raise OptionsError(
                "--scheduler ADDRESS needs --engine dask (the local engine runs in this process)"
            )
        if args.connect_timeout is not None:
            raise OptionsError("--connect-timeout needs --engine dask --scheduler ADDRESS")
        return
    if args.output is None:
        raise OptionsError(
            "--engine dask writes one JSONL file per input file into a directory: give -o DIR"
        )
    if args.format is not None or args.all:
        raise OptionsError(
            "--format and --all shape the cluster report of --engine local; --engine dask "
            "writes every document with its cluster to -o DIR (docs/scaling.md)"
        )
    if args.scheduler is not None and args.workers is not None:
        raise OptionsError(
            "--workers sizes the local cluster that --engine dask starts without --scheduler; "
            "the workers of a running scheduler are its own"
        )
    if args.scheduler is None and args.connect_timeout is not None:
        raise OptionsError(
            "--connect-timeout is how long to wait for --scheduler ADDRESS; "
            "without it, --engine dask starts its own cluster"
        )


def _extra(name: str) -> object:
    """``ingest.NAME``, or a usage error naming the extra to install."""
    try:
        return getattr(ingest, name)
    except ImportError as error:
        raise OptionsError(str(error)) from error


# -- ingest dedup --engine dask ----------------------------------------------------------


def dedup_with_dask(args: argparse.Namespace, console: Console) -> int:
    """``ingest dedup --engine dask``: partitioned JSONL in ``-o DIR``, written atomically."""
    _extra("DaskEngine")  # a missing extra is a usage error, before anything is read
    out = Path(args.output)
    _check_dask_inputs(args.inputs, out)
    # Quiet workers: a failed task's error reaches the client, which reports it in one line.
    options = ingest.DaskOptions(
        scheduler=args.scheduler, workers=args.workers or 2, log_level=logging.CRITICAL
    )
    if args.connect_timeout is not None:
        options = attrs.evolve(options, connect_timeout=args.connect_timeout)
    prepare = None if args.no_clean else ingest.clean_document
    out.parent.mkdir(parents=True, exist_ok=True)
    # The workers write into a new directory beside the target, renamed over it at the end.
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        with ingest.DaskEngine(options) as engine:
            run = engine.dedup(
                args.inputs,
                tmp,
                dedup_options(args),
                prepare=prepare,
                keep_going=args.keep_going,
            )
        tmp.chmod(0o777 & ~_umask())
        tmp.replace(out)  # over a missing or empty directory
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for failure in run.failures:
        console.say(f"ingest dedup: failed: {failure}")
    if console.verbose:
        for path in run.outputs:
            console.say(f"{out / path.name}: written")
    failed = len(run.failures)
    read = run.documents + run.repeated + failed
    console.say(f"ingest dedup: {summary(read, run.documents, run.repeated, failed)}")
    clusters = "cluster" if run.clusters == 1 else "clusters"
    console.say(
        f"ingest dedup: {run.clusters} {clusters} with duplicates: "
        f"{run.documents - run.duplicates} unique, {run.duplicates} "
        f"duplicate{'s' if run.duplicates != 1 else ''}; "
        f"{len(run.outputs)} JSONL file{'s' if len(run.outputs) != 1 else ''} in {args.output}"
    )
    return EXIT_FAILED if failed else EXIT_OK


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _check_dask_inputs(patterns: list[str], out: Path) -> None:
    """Every pattern matches files, none of them in *out*; *out* is free."""
    if "-" in patterns:
        raise OptionsError(
            "--engine dask reads files that every worker can open, not stdin (-); "
            "save the input to a file first"
        )
    files = expand_globs(patterns)
    check_inputs([str(path) for path in files], out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OptionsError(
            f"the output {str(out)!r} exists and is not an empty directory; "
            "give a new (or empty) directory"
        )


# -- ingest index add|query ---------------------------------------------------------------


def index_command(args: argparse.Namespace, console: Console) -> int:
    """``ingest index add`` / ``ingest index query``: one JSON line per document, with matches."""
    _check_url(args.redis)
    _extra("RedisIndex")
    import redis  # noqa: PLC0415 - the redis extra is optional; present once RedisIndex imports

    check_inputs(args.inputs, args.output)
    options = PipelineOptions(
        strict=args.strict,
        workers=args.workers or 1,
        clean=None if args.no_clean else CleanOptions(),
    )
    pipeline = Pipeline(options, progress=console.progress)
    index = _open_index(args)
    run = _IndexRun(args, console, index)
    try:
        write_text(args.output, lambda out: run.run(pipeline, out))
    except redis.RedisError as error:
        raise IndexFileError(
            f"Redis failed during the run ({error}); {run.done} documents were "
            f"{'indexed' if args.action == 'add' else 'queried'} before it; check the server "
            "and run again (documents already indexed are skipped)",
            source=f"{args.redis} index {args.name!r}",
        ) from error
    finally:
        index.close()
    console.say(run.summary())
    return EXIT_FAILED if run.failed else EXIT_OK


def _open_index(args: argparse.Namespace) -> ingest.RedisIndex:
    """The index ``--redis --name`` names: a new one of ``--kinds`` (default: every kind),
    or an existing one, whose kinds ``--kinds`` must be."""
    # Without --kinds: the index's own options (the defaults for a new one).
    options = None if args.kinds is None else dedup_options(args)
    try:
        return ingest.RedisIndex(args.redis, name=args.name, options=options)
    except ingest.IndexOptionsError as error:
        if error.stored.kinds == error.asked.kinds:
            # Options that the command line does not set (made through the Python API):
            # --kinds holds for the index as it is.
            return ingest.RedisIndex(args.redis, name=args.name, options=error.stored)
        stored, asked = (
            ",".join(kind for kind in KINDS if kind in kinds)
            for kinds in (error.stored.kinds, error.asked.kinds)
        )
        raise OptionsError(
            f"index {args.name!r} at {args.redis} was created with the kinds {stored}, "
            f"not {asked} (--kinds): an index finds the kinds it was created with; "
            "drop --kinds to use them, or give another --name for a new index of these kinds"
        ) from None


def _check_url(url: str) -> None:
    if urlsplit(url).scheme not in _REDIS_SCHEMES:
        raise OptionsError(
            f"--redis expects a Redis URL, redis://HOST:PORT/DB (rediss:// for TLS, "
            f"unix:///PATH for a socket), got {url!r}"
        )


class _IndexRun:
    """One run of ``ingest index add|query`` and its books:
    ``read == done + repeated + failed``."""

    def __init__(
        self, args: argparse.Namespace, console: Console, index: ingest.RedisIndex
    ) -> None:
        self.action: str = args.action
        self.inputs: list[str] = args.inputs
        self.strict: bool = args.strict
        self.console = console
        self.index = index
        self.read = 0
        self.done = 0  # indexed (add) or queried (query)
        self.repeated = 0  # add: already in the index (same id, same text)
        self.failed = 0
        self.matched = 0  # documents with at least one match

    def run(self, pipeline: Pipeline, out: TextIO) -> None:
        """Read the inputs, index or query each document, print one JSON line per document."""
        batch: list[Document] = []
        for outcome in pipeline.run(self.inputs):
            self.read += 1
            doc = outcome.document
            if outcome.failure is not None or doc is None:
                self.console.outcome(outcome)  # the failure, on stderr
                self.failed += 1
                continue
            for problem in doc.problems:
                self.console.say(f"ingest index {self.action}: warning: {problem}")
            if self.action == "query":
                self.done += 1
                self._report(out, doc, self.index.query(doc))
            else:
                batch.append(doc)
                if len(batch) == _INDEX_BATCH:
                    self._add(batch, out)
                    batch = []
        if batch:
            self._add(batch, out)

    def _add(self, batch: list[Document], out: TextIO) -> None:
        """Index *batch* with one ``extend``; on an id conflict, document by document."""
        seen = {doc.id for doc in batch if doc.id in self.index}
        try:
            results: list[tuple[Document, list[Evidence]]] = list(
                zip(batch, self.index.extend(batch), strict=True)
            )
        except IdConflictError:
            # Nothing of the batch was written (extend checks a batch's ids before
            # writing it): add one by one, so that only the conflicting documents fail.
            results = []
            for doc in batch:
                try:
                    results.append((doc, self.index.add(doc)))
                except IdConflictError as error:
                    if self.strict:
                        raise
                    self.console.say(f"ingest index add: failed: {error}")
                    self.failed += 1
        for doc, matches in results:
            if doc.id in seen:
                self.repeated += 1
                self._report(out, doc, matches, "already indexed")
            else:
                seen.add(doc.id)
                self.done += 1
                self._report(out, doc, matches, "indexed")

    def _report(
        self, out: TextIO, doc: Document, matches: list[Evidence], status: str = "queried"
    ) -> None:
        self.matched += bool(matches)
        record = {
            "id": doc.id,
            "name": doc.name,
            "source": doc.source,
            "status": status,
            "matches": [attrs.asdict(evidence) for evidence in matches],
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        if self.console.verbose:
            found = ", ".join(f"{e.matched} ({e.kind} {e.exact:.2f})" for e in matches)
            self.console.say(
                f"{doc.name} ({doc.id}): {status}, {'matches ' + found if matches else 'no match'}"
            )

    def summary(self) -> str:
        noun = "document" if self.read == 1 else "documents"
        if self.action == "add":
            counts = f"{self.done} indexed, {self.repeated} already indexed, {self.failed} failed"
        else:
            counts = f"{self.done} queried, {self.failed} failed"
        return (
            f"ingest index {self.action}: {self.read} {noun} in: {counts}; "
            f"{self.matched} with matches in index {self.index.name!r}"
        )
