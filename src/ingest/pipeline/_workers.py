"""The per-document work of the pipeline (extract HTML, identify the language, clean), here
or in worker processes.

:func:`work_all` maps the work over items in order. With more than one
worker it keeps a bounded window of chunks in flight in a process pool, so
memory stays bounded and the output order is the input order.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Final, TypeVar

import attrs

from ..cleaning import clean
from ..core import Document, IngestError, Problem, with_languages
from ..html import HtmlOptions, extract_html
from ..inputs import DocItem, Failure, InputError, Item, PageItem
from ._options import Outcome, PipelineOptions

__all__ = ["work_all"]

#: Documents worked on at once without worker processes (at least ``chunk_size``).
_IN_PROCESS_CHUNK: Final = 512


def work_all(items: Iterator[Item], options: PipelineOptions) -> Iterator[Outcome]:
    """The outcome of each item, in order, computed by ``options.workers`` processes."""
    if options.workers == 1:
        # In this process a chunk only batches the work: identifying the languages of
        # hundreds of documents at once costs half as much a document as of 64.
        for chunk in _chunks(items, max(options.chunk_size, _IN_PROCESS_CHUNK)):
            yield from _work_chunk(chunk, options)
        return
    window = 2 * options.workers + 1
    pool = ProcessPoolExecutor(max_workers=options.workers)
    pending: collections.deque[tuple[list[Item], Future[list[Outcome]]]] = collections.deque()
    try:
        for chunk in _chunks(items, options.chunk_size):
            pending.append((chunk, pool.submit(_work_chunk, chunk, options)))
            if len(pending) >= window:
                results, pool = _collect(pending, pool, options)
                yield from results
        while pending:
            results, pool = _collect(pending, pool, options)
            yield from results
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


def _collect(
    pending: collections.deque[tuple[list[Item], Future[list[Outcome]]]],
    pool: ProcessPoolExecutor,
    options: PipelineOptions,
) -> tuple[list[Outcome], ProcessPoolExecutor]:
    """The results of the oldest chunk, and the pool to go on with.

    A worker that dies (a crash in a native library, the OOM killer) breaks
    the pool: the oldest chunk is retried alone in a new pool, its documents
    fail if that dies too, and the other chunks in flight are resubmitted.
    """
    chunk, future = pending.popleft()
    try:
        return future.result(), pool
    except BrokenProcessPool:
        pool.shutdown(wait=True, cancel_futures=True)
    pool = ProcessPoolExecutor(max_workers=options.workers)
    try:
        results = pool.submit(_work_chunk, chunk, options).result()
    except BrokenProcessPool:
        pool.shutdown(wait=True, cancel_futures=True)
        pool = ProcessPoolExecutor(max_workers=options.workers)
        results = [_died(item, options) for item in chunk]
    for i, (again, _) in enumerate(pending):
        pending[i] = (again, pool.submit(_work_chunk, again, options))
    return results, pool


def _died(item: Item, options: PipelineOptions) -> Outcome:
    if isinstance(item, Failure):
        return Outcome("failed", failure=item)
    name, source = _origin(item)
    reason = (
        "a worker process died while processing it, twice (a crash in a native library, "
        "or out of memory); its chunk of documents was not processed"
    )
    if options.strict:
        raise InputError(f"{name}: {reason}", source=source, line=_item_line(item))
    return Outcome("failed", failure=Failure(name, source, reason, _item_line(item)))


def _chunks(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _work_chunk(chunk: list[Item], options: PipelineOptions) -> list[Outcome]:
    """The outcomes of *chunk*: each item extracted, the chunk's languages identified at
    once (``meta["language"]``, when a document does not say, with
    ``options.languages``: the cleaner and de-duplication read it), each document
    cleaned; a failure in lenient mode, an exception in strict mode."""
    # Each item with its document, or its outcome already (a failure).
    extracted: list[tuple[DocItem | PageItem, Document] | Outcome] = []
    for item in chunk:
        if isinstance(item, Failure):
            extracted.append(Outcome("failed", failure=item))
            continue
        doc = _guarded(item, options, _extract, item)
        extracted.append((item, doc) if isinstance(doc, Document) else doc)
    docs = [e[1] for e in extracted if isinstance(e, tuple)]
    identified = iter(with_languages(docs) if options.languages else docs)
    return [
        _guarded(e[0], options, _clean, next(identified)) if isinstance(e, tuple) else e
        for e in extracted
    ]


def _clean(doc: Document, options: PipelineOptions) -> Outcome:
    cleaning = None
    if options.clean is not None:
        cleaning = clean(doc, options.clean)
        doc = cleaning.document or doc
    return Outcome("kept", doc, cleaning=cleaning if options.explain else None)


_A = TypeVar("_A", DocItem | PageItem, Document)
_T = TypeVar("_T", Document, Outcome)


def _guarded(
    item: DocItem | PageItem,
    options: PipelineOptions,
    step: Callable[[_A, PipelineOptions], _T],
    value: _A,
) -> _T | Outcome:
    """``step(value, options)`` for *item* (what it was made of), or the item's failure:
    a failure in lenient mode, an exception in strict mode."""
    try:
        return step(value, options)
    except IngestError as exc:
        if options.strict:
            raise
        reason = str(exc)
    except Exception as exc:  # one document's bug must not lose the others
        if options.strict:
            raise
        reason = f"unexpected {type(exc).__name__}: {exc} (a bug in ingest; please report it)"
    name, source = _origin(item)
    return Outcome("failed", failure=Failure(name, source, reason, _item_line(item)))


def _origin(item: DocItem | PageItem) -> tuple[str, str]:
    if isinstance(item, PageItem):
        return item.name, item.source
    return item.document.name, item.document.source


def _item_line(item: DocItem | PageItem) -> int | None:
    return item.document.line if isinstance(item, DocItem) else None


def _html_options(options: PipelineOptions) -> HtmlOptions:
    return attrs.evolve(options.html, strict=options.html.strict or options.strict)


def _extract(item: DocItem | PageItem, options: PipelineOptions) -> Document:
    if isinstance(item, PageItem):
        url = item.meta.get("url")
        page = extract_html(
            item.data,
            url=url if isinstance(url, str) and url else None,
            content_type=item.content_type,
            options=_html_options(options),
        )
        return Document(
            name=item.name,
            text=page.text,
            title=page.title,
            meta=page.meta | item.meta,
            source=item.source,
            problems=_restamp(page.problems, item.source, ""),
        )
    doc = item.document
    if not item.html:
        return doc
    url = doc.meta.get("url")
    page = extract_html(
        doc.text, url=url if isinstance(url, str) and url else None, options=_html_options(options)
    )
    return attrs.evolve(
        doc,
        text=page.text,
        title=page.title or doc.title,
        meta=doc.meta | page.meta | {"content-type": "text/plain", "extracted_from": "text/html"},
        problems=(*doc.problems, *_restamp(page.problems, doc.source, doc.name)),
    )


def _restamp(problems: Iterable[Problem], source: str, member: str) -> tuple[Problem, ...]:
    """Problems of an extraction, placed in the input (and member) they came from."""
    prefix = f"member {member!r}: " if member else ""
    return tuple(attrs.evolve(p, source=source, message=prefix + p.message) for p in problems)
