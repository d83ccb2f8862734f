"""Corpus-level boilerplate: lines that many documents of one source share.

A site repeats its footer, its standard disclaimer and its navigation on every
page. No phrase list knows them, but a corpus does: learn them from the
documents of one source with :func:`learn_boilerplate`, then pass the model to
:func:`ingest.clean`. The model is an explicit value you hold; nothing is
cached between calls.

>>> footer = "Acme Daily is published by Acme Media Group, 1 Main St."
>>> docs = [f"Story number {i} about the harbour.\\n{footer}" for i in range(6)]
>>> model = learn_boilerplate(docs)
>>> footer in model, "Story number 1 about the harbour." in model
(True, False)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from ..core import Document
from ._lines import LineInfo, fold, is_headline_like, is_list_item
from ._options import CleanOptions

__all__ = ["BoilerplateModel", "learn_boilerplate", "line_key"]


def line_key(line: str) -> str:
    """The form in which the corpus rule compares lines: folded case and spaces.

    >>> line_key("  Acme   NEWS\\n")
    'acme news'
    """
    return fold(line).strip()


def _frozen_counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@attrs.frozen(eq=True, hash=False)
class BoilerplateModel:
    """The lines that many documents of one source share, learned by :func:`learn_boilerplate`.

    Attributes:
        documents: How many documents the model was learned from.
        counts: For each learned line (in :func:`line_key` form), how many of
            those documents contain it. Only lines over the threshold are kept.
        threshold: The fewest documents a line had to occur in to be learned:
            ``max(corpus_min_documents, ceil(corpus_min_share * documents))``.
        headlines: Headline-like lines (short, not ending like a sentence, or
            bulleted) that at least ``corpus_headline_documents`` documents
            contain but too few to be learned as boilerplate on their own: the
            headlines of the source's link lists. A run of two or more of them
            between paragraphs is a link list without a marker.
    """

    documents: int
    counts: Mapping[str, int] = attrs.field(converter=_frozen_counts)
    threshold: int
    headlines: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen_counts)

    def __reduce__(
        self,
    ) -> tuple[type[BoilerplateModel], tuple[int, dict[str, int], int, dict[str, int]]]:
        # A mapping proxy cannot be pickled; rebuild from plain dicts (worker processes).
        return (
            BoilerplateModel,
            (self.documents, dict(self.counts), self.threshold, dict(self.headlines)),
        )

    def __contains__(self, line: object) -> bool:
        return isinstance(line, str) and line_key(line) in self.counts

    def __len__(self) -> int:
        return len(self.counts)

    def count(self, line: str) -> int:
        """How many documents contain *line* (0 when it was not learned)."""
        return self.counts.get(line_key(line), 0)

    def headline_count(self, line: str) -> int:
        """How many documents contain the headline *line* (0 when it is not a learned headline)."""
        return self.headlines.get(line_key(line), 0)


def _is_headline(key: str, max_words: int) -> bool:
    line = LineInfo.of(key)
    return is_list_item(line, max_words) or is_headline_like(line, max_words, questions=True)


def learn_boilerplate(
    documents: Iterable[Document | str], options: CleanOptions | None = None
) -> BoilerplateModel:
    """Learn the lines shared by many *documents*, which should all come from one source.

    A non-blank line is learned when at least ``options.corpus_min_documents``
    documents, and at least ``options.corpus_min_share`` of all documents,
    contain it (a line repeated inside one document counts once). So a line
    found in only a few documents is never learned, however small the corpus.
    Mixing sources dilutes the shares; learn one model per site.

    Headline-like lines found in at least ``options.corpus_headline_documents``
    documents, but fewer than that, are kept apart as the source's link
    headlines (``model.headlines``).
    """
    options = options or CleanOptions()
    seen: Counter[str] = Counter()
    total = 0
    for doc in documents:
        text = doc.text if isinstance(doc, Document) else doc
        seen.update({key for key in map(line_key, text.split("\n")) if key})
        total += 1
    threshold = max(options.corpus_min_documents, math.ceil(options.corpus_min_share * total))
    learned = {key: n for key, n in seen.items() if n >= threshold}
    least, most = options.corpus_headline_documents, options.max_item_words
    headlines = {
        key: n for key, n in seen.items() if least <= n < threshold and _is_headline(key, most)
    }
    return BoilerplateModel(
        documents=total, counts=learned, threshold=threshold, headlines=headlines
    )
