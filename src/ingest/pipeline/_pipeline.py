"""The pipeline: read -> decode -> extract HTML -> language -> clean -> de-duplicate -> write.

Each stage is one call into the library (:class:`~ingest.inputs._sources.Reader`,
:func:`ingest.extract_html`, :func:`ingest.clean`,
:class:`ingest.DuplicateIndex`, a sink of :mod:`ingest.outputs._sinks`); this module
wires them together, spreads the per-document work over processes, and keeps
the books: every document in is either written, dropped as a duplicate, or a
:class:`~ingest.Failure` with its reason, so ``documents_in == written +
duplicates + failed`` after every run.

>>> import io
>>> from ingest import Pipeline, PipelineOptions
>>> bundle = b"<<<FILE a.txt>>>\\nTalks stalled.\\nAdvertisement\\n<<<FILE b.txt>>>\\nHello\\n"
>>> out = io.BytesIO()
>>> pipeline = Pipeline(PipelineOptions(), stdin=io.BytesIO(bundle))
>>> report = pipeline.write(["-"], out)
>>> print(report.summary())
2 documents in: 2 written, 0 dropped as duplicates, 0 failed
>>> print(out.getvalue().decode(), end="")
<<<FILE a.txt length="15" id="1abb35bdcc63829b" language="und" boilerplate_removed="1">>>
Talks stalled.
<BLANKLINE>
<<<FILE b.txt length="6" language="und" boilerplate_removed="0">>>
Hello
<BLANKLINE>
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

import attrs

from ..core import Document, IdConflictError, IngestError, Problem
from ..dedup import (
    BATCH,
    Cluster,
    DedupOptions,
    DuplicateIndex,
    Evidence,
    IndexStats,
    full_collections_deferred,
    is_repeat,
    text_key,
)
from ..inputs import Failure, Reader, check_inputs
from ..outputs import Format, Sink, check_target, open_sink
from ._options import Outcome, PipelineOptions
from ._spill import Spill
from ._workers import work_all

__all__ = ["Outcome", "Pipeline", "PipelineOptions", "Report", "summary"]


@attrs.define
class Report:
    """The books of one run; they balance: ``documents_in == written + duplicates + failed``.

    Attributes:
        documents_in: Documents read (members, lines, files, pages), good or bad.
        written: Documents kept (and written, when there is an output).
        duplicates: Documents dropped as duplicates of a kept one.
        failures: Documents that could not be read, processed or written.
        problems: What lenient reading recovered from, in documents that were
            kept or dropped (their text is not lost).
        clusters: With de-duplication: every cluster, singletons included.
        skipped: Records read that hold no document, by type (a WARC file's
            ``request``, ``warcinfo``, non-HTML ``response`` records...); not
            documents, so not in the books.
        index_stats: With de-duplication: where the index spent its time and the
            candidate pairs it verified (:attr:`ingest.DuplicateIndex.stats`).
    """

    documents_in: int = 0
    written: int = 0
    duplicates: int = 0
    failures: list[Failure] = attrs.field(factory=list)
    problems: list[Problem] = attrs.field(factory=list)
    clusters: list[Cluster] = attrs.field(factory=list)
    skipped: dict[str, int] = attrs.field(factory=dict)
    # Timings: two runs with equal outcomes are equal reports.
    index_stats: IndexStats | None = attrs.field(default=None, eq=False)

    @property
    def failed(self) -> int:
        """How many documents failed."""
        return len(self.failures)

    @property
    def balanced(self) -> bool:
        """Whether every document in is accounted for."""
        return self.documents_in == self.written + self.duplicates + self.failed

    def summary(self, written: str = "written") -> str:
        """One line: ``N documents in: W written, D dropped as duplicates, F failed``."""
        return summary(
            self.documents_in, self.written, self.duplicates, self.failed, written_as=written
        )

    def add(self, outcome: Outcome) -> None:
        """Count *outcome*."""
        self.documents_in += 1
        if outcome.status == "kept":
            self.written += 1
        elif outcome.status == "duplicate":
            self.duplicates += 1
        elif outcome.failure is not None:
            self.failures.append(outcome.failure)
        if outcome.document is not None:
            self.problems.extend(outcome.document.problems)


class Pipeline:
    """Runs documents through the stages; one object per run (it holds the report).

    Args:
        options: What to do (default: read, clean, keep duplicates).
        stdin: The stream read for the input ``-`` (default: ``sys.stdin``).
        progress: Called with each outcome as soon as it is known (before
            de-duplication, when that is on): drives a progress bar.
    """

    def __init__(
        self,
        options: PipelineOptions | None = None,
        *,
        stdin: BinaryIO | None = None,
        progress: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.options = options or PipelineOptions()
        self.report = Report()
        self._stdin = stdin
        self._progress = progress

    def run(
        self, inputs: Iterable[str | os.PathLike[str]], sink: Sink | None = None
    ) -> Iterator[Outcome]:
        """Every document's outcome, in input order; kept documents go to *sink*.

        Inputs are paths (files or directories) or ``"-"`` for stdin. The
        :attr:`report` is up to date for every outcome yielded.
        """
        options = self.options
        reader = Reader(
            read_as=options.read_as, strict=options.strict, bundle=options.bundle, stdin=self._stdin
        )
        results = work_all(reader.items([os.fspath(i) for i in inputs]), options)
        if self._progress is not None:
            results = _tap(results, self._progress)
        if options.dedup is not None:
            results = self._deduplicate(results, options.dedup)
        for outcome in results:
            finished = self._finish(outcome, sink)
            self.report.add(finished)
            yield finished
        self.report.skipped = dict(reader.skipped)

    def write(
        self,
        inputs: Iterable[str | os.PathLike[str]],
        output: str | os.PathLike[str] | BinaryIO,
        fmt: Format = "bundle",
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> Report:
        """Run over *inputs*, writing what is kept to *output* (atomically, for a path).

        Raises :class:`~ingest.OptionsError` before reading anything when an
        input does not exist or *output* would overwrite an input.
        """
        names = [os.fspath(i) for i in inputs]
        check_inputs(names, output)
        if isinstance(output, str | os.PathLike):
            check_target(output, fmt)
        with open_sink(output, fmt) as sink:
            for outcome in self.run(names, sink):
                if on_outcome is not None:
                    on_outcome(outcome)
        return self.report

    def _finish(self, outcome: Outcome, sink: Sink | None) -> Outcome:
        if outcome.status != "kept" or sink is None or outcome.document is None:
            return outcome
        doc = outcome.document
        try:
            sink.write(doc)
        except (IngestError, UnicodeEncodeError) as exc:
            if self.options.strict:
                raise
            failure = Failure(doc.name, doc.source, f"cannot be written: {exc}", doc.line)
            return attrs.evolve(outcome, status="failed", failure=failure)
        return outcome

    def _deduplicate(self, results: Iterator[Outcome], options: DedupOptions) -> Iterator[Outcome]:
        """Index every kept document, then give each outcome with its cluster, in order.

        Between the two passes the outcomes wait in a temporary file (:class:`Spill`),
        and the index keeps its documents' arrays in another (``spill=True``): memory
        holds the index's LSH, a batch of documents, and each id once.
        """
        with Spill() as held:
            yield from self._two_passes(results, options, held)

    def _two_passes(
        self, results: Iterator[Outcome], options: DedupOptions, held: Spill
    ) -> Iterator[Outcome]:
        index = DuplicateIndex(options, spill=True)
        # The batch's documents, not indexed yet; the index knows the rest (indexed_as).
        pending: dict[str, tuple[str, int]] = {}
        repeats: set[int] = set()
        repeated: set[str] = set()
        batch: list[Document] = []
        # The index's objects live to the end: full collections deferred (as extend does)
        with full_collections_deferred():
            for outcome in results:
                doc = outcome.document
                if outcome.status == "kept" and doc is not None:
                    key = text_key(doc.text)
                    try:
                        known = pending.get(doc.id) or index.indexed_as(doc.id)
                        if is_repeat(doc.name, doc.id, key, known, where="this run"):
                            # The same document read twice: an exact duplicate.
                            repeats.add(len(held))
                            repeated.add(doc.id)
                        else:
                            pending[doc.id] = (doc.name, key)
                            batch.append(doc)
                    except IdConflictError as error:
                        if self.options.strict:
                            raise
                        failure = Failure(doc.name, doc.source, str(error), doc.line)
                        outcome = Outcome("failed", doc, failure)  # noqa: PLW2901 -- replaced on purpose
                held.append(outcome)
                if len(batch) >= BATCH:
                    index.extend(batch)
                    batch = []
                    pending = {}
            index.extend(batch)
        del pending, batch
        clusters = index.clusters()
        self.report.index_stats = index.stats
        # Dead too: the second pass holds the clusters, not the index's arrays (nor its file).
        index.close()
        del index
        self.report.clusters = clusters
        where = {m.id: (c, m) for c in clusters for m in c.members}
        for position, outcome in enumerate(held):
            doc = outcome.document
            if outcome.status != "kept" or doc is None:
                yield outcome
                continue
            cluster, member = where[doc.id]
            evidence = member.evidence
            if position in repeats:
                evidence = Evidence("exact", doc.id, 1.0, 1.0)
            elif member.id == cluster.representative:
                if len(cluster.members) > 1 or doc.id in repeated:
                    doc = attrs.evolve(doc, meta=doc.meta | {"cluster_id": cluster.id})
                yield attrs.evolve(outcome, document=doc)
                continue
            yield _duplicate(outcome, doc, cluster, evidence)


def summary(
    documents_in: int, written: int, duplicates: int, failed: int, *, written_as: str = "written"
) -> str:
    """The closing line of every command over documents (both engines):
    ``N documents in: W written, D dropped as duplicates, F failed``.

    >>> summary(5, 4, 1, 0)
    '5 documents in: 4 written, 1 dropped as duplicates, 0 failed'
    """
    noun = "document" if documents_in == 1 else "documents"
    return (
        f"{documents_in} {noun} in: {written} {written_as}, "
        f"{duplicates} dropped as duplicates, {failed} failed"
    )


def _duplicate(
    outcome: Outcome, doc: Document, cluster: Cluster, evidence: Evidence | None
) -> Outcome:
    meta = doc.meta | {
        "cluster_id": cluster.id,
        "duplicate_of": cluster.representative,
        "kind": evidence.kind if evidence is not None else None,
        "score": evidence.exact if evidence is not None else None,
    }
    return attrs.evolve(
        outcome,
        status="duplicate",
        document=attrs.evolve(doc, meta=meta),
        duplicate_of=cluster.representative,
        evidence=evidence,
    )


def _tap(results: Iterator[Outcome], progress: Callable[[Outcome], None]) -> Iterator[Outcome]:
    for outcome in results:
        progress(outcome)
        yield outcome
