"""The same-id-same-text rule, for every engine.

Documents are identified by id (:attr:`ingest.Document.id`). A document whose
id is already known with the same text (its :func:`text_key`) is the same
document read twice: every engine skips it as a repeat. The same id with
another text is an :class:`~ingest.IdConflictError`, worded the same way by
the in-memory index, the pipeline, the Dask engine and the Redis index.
"""

from __future__ import annotations

from ..core import IdConflictError

__all__ = ["is_repeat"]


def is_repeat(
    name: str, doc_id: str, text_key: int, known: tuple[str, int] | None, *, where: str
) -> bool:
    """Whether the document *name* (*doc_id*, *text_key*) repeats the *known* one.

    *known* is the ``(name, text key)`` already held for *doc_id*, or None when
    the id is new (then it is not a repeat). *where* names what holds it, for
    the error: ``"the index"``, ``"index 'news'"``, ``"this run"``.

    >>> is_repeat("a.txt", "id1", 7, ("a.txt", 7), where="the index")
    True
    >>> is_repeat("b.txt", "id1", 8, ("a.txt", 7), where="the index")
    Traceback (most recent call last):
    ...
    ingest.IdConflictError: document 'b.txt' has id 'id1', which the index already holds \
for 'a.txt' with a different text; give the documents distinct ids (or leave ids to be \
derived from name and text)
    """
    if known is None:
        return False
    known_name, known_key = known
    if known_key == text_key:
        return True
    raise IdConflictError(
        f"document {name!r} has id {doc_id!r}, which {where} already holds for {known_name!r} "
        "with a different text; give the documents distinct ids (or leave ids to be derived "
        "from name and text)"
    )
