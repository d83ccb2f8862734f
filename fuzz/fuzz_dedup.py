"""Fuzz target: ``ingest.DuplicateIndex`` and ``ingest.find_duplicates``.

The input is split on NUL into up to six texts (decoded leniently as UTF-8:
lone surrogates, controls, any script); each becomes a document.

Invariants:

* adding documents returns evidence lists and never raises;
* a document with words, added again under another name, is found as an
  ``exact`` duplicate of its original;
* the clusters are a partition of the ids added;
* the clusters do not depend on the order of the documents.
"""

from __future__ import annotations

import sys

from harness import fuzz_main, instrumented

with instrumented(enabled=__name__ == "__main__"):
    import ingest

OPTIONS = ingest.DedupOptions(num_perm=32, sentence_num_perm=16, min_aligned_sentences=1)


def _partition(clusters: list[ingest.Cluster]) -> list[frozenset[str]]:
    return sorted((frozenset(c.ids) for c in clusters), key=sorted)


def check(data: bytes) -> str:
    texts = data.decode("utf-8", "surrogateescape").split("\x00")[:6]
    docs = [ingest.Document(name=f"d{i}", text=text) for i, text in enumerate(texts)]
    index = ingest.DuplicateIndex(OPTIONS)
    for doc in docs:
        evidence = index.add(doc)
        assert all(isinstance(e, ingest.Evidence) for e in evidence)
    copy = ingest.Document(name="copy", text=docs[0].text)
    first = index._docs[index._slots[docs[0].id]]  # noqa: SLF001 -- its word count
    if first.words:
        found = {e.matched: e for e in index.add(copy)}
        assert docs[0].id in found, f"the copy of {docs[0].text!r} was not found"
        assert found[docs[0].id].kind == "exact", found[docs[0].id]
    ids = [d.id for d in index._docs]  # noqa: SLF001 -- the harness checks the partition
    clusters = index.clusters()
    seen = [i for c in clusters for i in c.ids]
    assert sorted(seen) == sorted(set(ids)), (seen, ids)
    forward = _partition(ingest.find_duplicates(docs, OPTIONS))
    backward = _partition(ingest.find_duplicates(list(reversed(docs)), OPTIONS))
    assert forward == backward, "clusters depend on the order of the documents"
    return "ok"


if __name__ == "__main__":
    fuzz_main("dedup", check, sys.argv)
