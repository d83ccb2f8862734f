"""Fuzz target: ``ingest.clean`` and ``ingest.learn_boilerplate``, the cleaner.

The first byte picks the aggressiveness and whether a corpus model is learned;
the rest, decoded leniently as UTF-8 (lone surrogates, controls, ``\\r``, any
script), is split on NUL into up to eight texts. The first is cleaned; with a
corpus, the model is learned from all of them (five documents at least, so a
line can be learned: the texts are repeated when there are fewer).

Invariants:

* ``clean`` returns for any text and raises nothing;
* nothing is added or rewritten: the cleaned text is the input's lines that
  were kept, in order, unchanged;
* every removed line is accounted for: the spans are in input order, do not
  overlap, each holds exactly the input lines it names, and kept lines plus
  removed lines are the input's lines;
* cleaning is idempotent: cleaning the cleaned text removes nothing more;
* the explanation (``str(result)``) is made without error and names every span.
"""

from __future__ import annotations

import sys
from typing import Final

from harness import fuzz_main, instrumented

with instrumented(enabled=__name__ == "__main__"):
    import ingest
    from ingest.cleaning._clean import split_lines
    from ingest.cleaning._rules import Level

LEVELS: Final[tuple[Level, ...]] = ("conservative", "normal", "aggressive")


def check(data: bytes) -> str:
    if not data:
        return "ok"
    flags, payload = data[0], data[1:]
    options = ingest.CleanOptions(aggressiveness=LEVELS[flags % len(LEVELS)])
    texts = payload.decode("utf-8", "surrogateescape").split("\x00")[:8]
    corpus = None
    if flags & 0x80:
        documents = texts * -(-5 // len(texts))  # ceil: five at least
        corpus = ingest.learn_boilerplate(documents, options)
    text = texts[0]
    result = ingest.clean(text, options, corpus=corpus)

    raw = split_lines(text)
    assert "".join(raw) == text, "split_lines lost text"
    assert result.input_lines == len(raw), (result.input_lines, len(raw))
    removed: set[int] = set()
    previous_end = 0
    for span in result.removed:
        assert previous_end < span.start <= span.end <= len(raw), (previous_end, span)
        previous_end = span.end
        lines = raw[span.start - 1 : span.end]
        assert span.text == "".join(lines).removesuffix("\n"), span
        removed.update(range(span.start - 1, span.end))
    kept = "".join(line for i, line in enumerate(raw) if i not in removed)
    assert result.text == kept, "the cleaned text is not the input's kept lines"
    assert result.removed_lines == len(removed)

    again = ingest.clean(result.text, options, corpus=corpus)
    assert again.text == result.text, "cleaning is not idempotent"
    explanation = str(result)
    assert all(span.rule in explanation for span in result.removed)
    return "ok"


if __name__ == "__main__":
    fuzz_main("clean", check, sys.argv)
