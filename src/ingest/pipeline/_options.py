"""The options of :class:`ingest.Pipeline` and the outcome it reports per document."""

from __future__ import annotations

from typing import Final, Literal

import attrs

from ..bundle import BundleOptions
from ..cleaning import CleanOptions, CleanResult
from ..core import Document, flag, instance_of, integer, one_of
from ..dedup import DedupOptions, Evidence
from ..html import HtmlOptions
from ..inputs import Failure, ReadAs

__all__ = ["Outcome", "PipelineOptions", "Status"]

_READ_AS: Final = ("auto", "bundle", "html", "text")

Status = Literal["kept", "duplicate", "failed"]


@attrs.frozen
class PipelineOptions:
    """What the pipeline does to each document. Derive variants with :func:`attrs.evolve`.

    >>> PipelineOptions(workers=0)
    Traceback (most recent call last):
    ...
    ingest.OptionsError: PipelineOptions.workers must be an integer >= 1, got 0

    Attributes:
        clean: How to clean each document; ``None`` leaves text as read.
        dedup: How to find duplicates; ``None`` (the default) keeps them all.
            With it, only each cluster's representative is kept, and each
            outcome waits in a temporary file until the end (the representative
            is known only then); without it the pipeline streams.
        html: How HTML pages (files, and bundle members whose ``content-type``
            or extension says HTML) are extracted; ``clean`` above then cleans
            every document, extracted or not.
        bundle: Limits of the bundle reader; ``max_member_bytes`` also bounds
            text and HTML files and JSONL lines.
        read_as: ``auto`` detects each input's kind; ``bundle``, ``html`` or
            ``text`` read every input as that (``text``: one document per file,
            HTML not extracted).
        strict: Stop at the first problem (a :class:`~ingest.IngestError` is
            raised) instead of recording failures and recovering.
        explain: Keep each document's :class:`~ingest.CleanResult` on its
            :class:`Outcome` (it costs a copy of the text per document).
        workers: Processes for reading HTML, extracting and cleaning; ``1``
            works in the calling process. Output order never depends on it.
        chunk_size: Documents sent to a worker at once (with one worker, at least
            512 are worked on at once: their languages are identified together).
        languages: Identify the language of each document that does not say
            (``meta["language"]``), as the cleaner needs. ``False`` leaves it
            unsaid: where nothing written shows it and nothing cleans, the work
            is saved (``ingest dedup --no-clean``: about a fifth of its time with
            ``--kinds exact,near``); de-duplication identifies the languages it
            needs itself (``containment`` and ``paraphrase``), with the same result.
    """

    clean: CleanOptions | None = attrs.field(
        factory=CleanOptions, validator=instance_of(CleanOptions, optional=True)
    )
    dedup: DedupOptions | None = attrs.field(
        default=None, validator=instance_of(DedupOptions, optional=True)
    )
    html: HtmlOptions = attrs.field(factory=HtmlOptions, validator=instance_of(HtmlOptions))
    bundle: BundleOptions = attrs.field(factory=BundleOptions, validator=instance_of(BundleOptions))
    read_as: ReadAs = attrs.field(default="auto", validator=one_of(_READ_AS))
    strict: bool = attrs.field(default=False, validator=flag)
    explain: bool = attrs.field(default=False, validator=flag)
    workers: int = attrs.field(default=1, validator=integer(1))
    chunk_size: int = attrs.field(default=64, validator=integer(1))
    languages: bool = attrs.field(default=True, validator=flag)


@attrs.frozen
class Outcome:
    """What became of one document.

    Attributes:
        status: ``kept`` (written, when there is an output), ``duplicate``
            (dropped; ``duplicate_of`` is the kept document) or ``failed``.
        document: The document after extraction and cleaning (``None`` when
            it failed before it was read). A duplicate carries
            ``meta["duplicate_of"]``, ``["kind"]`` and ``["score"]``; a kept
            document with duplicates carries ``meta["cluster_id"]``.
        failure: Why it failed.
        cleaning: What cleaning removed, when ``PipelineOptions.explain``.
        duplicate_of: The id of the kept representative of its cluster.
        evidence: Why it is a duplicate (its strongest link in the cluster).
    """

    status: Status
    document: Document | None = None
    failure: Failure | None = None
    cleaning: CleanResult | None = None
    duplicate_of: str | None = None
    evidence: Evidence | None = None
