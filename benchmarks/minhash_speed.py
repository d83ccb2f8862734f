"""Text -> MinHash signature throughput: ingest vs datasketch vs rensa, in one run.

Usage: ``python benchmarks/minhash_speed.py [--docs 20000] [--update-docs 2000]``

The corpus is generated from the five seed articles (``seeds/*.txt``): each
document is a random seed's paragraphs, a few of them dropped, shuffled or
joined with paragraphs of other seeds, and a random number of word swaps, so
documents are news-sized (~600 words) and overlap the way a story's coverage
does. Every contender does the whole job from text: tokenise, make word
5-gram shingles, hash, MinHash with 128 permutations.

* **ingest**: ``ingest.dedup._features.document_signatures`` (the path
  :class:`ingest.DuplicateIndex` uses): byte-level tokenising, xxh32 token
  hashes, numpy shingle combination and batched affine32 permutations.
* **ingest compute_features**: everything :meth:`ingest.DuplicateIndex.extend`
  computes before it touches LSH: the above, plus shingle sets, exact keys,
  and the sentence splitting, stemming and signatures of the paraphrase
  signal (for reference, on ``--features-docs`` documents).
* **datasketch update**: Python shingles, ``MinHash.update`` per shingle
  (timed on ``--update-docs`` documents, it is slow).

Every contender runs ``--repeat`` times, in interleaved rounds, and its best
time is kept (the machine may be shared with other work).
* **datasketch bulk**: Python shingles, ``MinHash.bulk``.
* **rensa**: Python shingles, ``RMinHash.update`` per document (its end-to-end
  pipeline from text), and rensa's batch ``digest_matrix_from_token_sets``;
  its hashing alone is timed on shingles made beforehand.

Then LSH: inserting the 20k ingest signatures into ``datasketch.MinHashLSH``
(threshold 0.7) and querying each one.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import attrs
import datasketch
import numpy as np

from ingest import DedupOptions, Document
from ingest.dedup._features import compute_features, document_signatures
from ingest.dedup._signature import Permutations, to_minhash

ROOT: Final = Path(__file__).resolve().parents[1]
SEEDS: Final = ROOT / "seeds"
NUM_PERM: Final = 128
SHINGLE: Final = 5
_WORD: Final = re.compile(r"\w+")

INGEST: Final = "ingest document_signatures (end to end)"
DATASKETCH_UPDATE: Final = "datasketch MinHash.update per shingle"
DATASKETCH_BULK: Final = "datasketch MinHash.bulk"
RENSA_UPDATE: Final = "rensa RMinHash.update (end to end)"
RENSA_MATRIX: Final = "rensa digest_matrix_from_token_sets (end to end)"


def generate_corpus(count: int, seed: int = 20) -> list[str]:
    """*count* news-like documents made from the seeds (deterministic for *seed*)."""
    rng = random.Random(seed)
    articles = [
        [p for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
        for path in sorted(SEEDS.glob("*.txt"))
    ]
    vocabulary = sorted({w for a in articles for p in a for w in p.split()})
    docs = []
    for _ in range(count):
        paragraphs = [p for p in rng.choice(articles) if rng.random() > 0.15]
        if rng.random() < 0.3:
            paragraphs.extend(rng.sample(rng.choice(articles), 2))
        if rng.random() < 0.3:
            rng.shuffle(paragraphs)
        words = "\n".join(paragraphs).split(" ")
        for _ in range(rng.randrange(0, 20)):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        docs.append(" ".join(words))
    return docs


def python_shingles(text: str) -> list[str]:
    """Word 5-grams the usual Python way (what datasketch and rensa users write)."""
    words = _WORD.findall(text.lower())
    return [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]


@attrs.frozen
class Contender:
    """One way from text to signatures, timed on *docs*."""

    label: str
    docs: list[str]
    work: Callable[[list[str]], object]


def best_seconds(contenders: list[Contender], repeat: int) -> dict[str, float]:
    """The best time of each contender over *repeat* interleaved rounds.

    Interleaving and keeping the best run make the comparison fair on a
    machine shared with other work: a contender is not penalised for running
    while something else did.
    """
    best: dict[str, float] = {}
    for _ in range(repeat):
        for contender in contenders:
            started = time.perf_counter()
            contender.work(contender.docs)
            seconds = time.perf_counter() - started
            best[contender.label] = min(seconds, best.get(contender.label, seconds))
    return best


def report(contender: Contender, seconds: float) -> float:
    """Print one contender's throughput; return its docs/s."""
    megabytes = sum(len(d.encode()) for d in contender.docs) / 1e6
    rate = len(contender.docs) / seconds
    print(
        f"{contender.label:<50} {len(contender.docs):>6} docs {seconds:7.2f} s "
        f"{rate:>9,.0f} docs/s {megabytes / seconds:7.2f} MB/s"
    )
    return rate


def _datasketch_update(docs: list[str]) -> list[datasketch.MinHash]:
    result = []
    for doc in docs:
        minhash = datasketch.MinHash(num_perm=NUM_PERM)
        for shingle in python_shingles(doc):
            minhash.update(shingle.encode())
        result.append(minhash)
    return result


def _datasketch_bulk(docs: list[str]) -> list[datasketch.MinHash]:
    shingled = [[s.encode() for s in python_shingles(doc)] for doc in docs]
    minhashes: list[datasketch.MinHash] = datasketch.MinHash.bulk(shingled, num_perm=NUM_PERM)
    return minhashes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--update-docs", type=int, default=2_000)
    parser.add_argument("--features-docs", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds, best kept")
    args = parser.parse_args()

    docs = generate_corpus(args.docs)
    words = sum(len(d.split()) for d in docs) / len(docs)
    print(f"corpus: {len(docs)} documents from {SEEDS.name}/, {words:.0f} words on average")
    options = DedupOptions(num_perm=NUM_PERM, shingle_size=SHINGLE)

    documents = [Document(f"{i}", text) for i, text in enumerate(docs[: args.features_docs])]
    contenders = [
        Contender(INGEST, docs, lambda d: document_signatures(d, options)),
        Contender(
            "ingest compute_features (+ sentences; reference)",
            docs[: args.features_docs],
            lambda _: compute_features(documents, options),
        ),
        Contender(DATASKETCH_UPDATE, docs[: args.update_docs], _datasketch_update),
        Contender(DATASKETCH_BULK, docs, _datasketch_bulk),
        Contender("python shingling alone", docs, lambda d: [python_shingles(t) for t in d]),
    ]
    try:
        from rensa import RMinHash  # noqa: PLC0415 - optional: the 'bench' extra
    except ImportError:
        print("rensa: not installed (pip install 'ingest[bench]'); skipped")
    else:

        def rensa_update(texts: list[str]) -> list[object]:
            result = []
            for text in texts:
                minhash = RMinHash(num_perm=NUM_PERM, seed=42)
                minhash.update(python_shingles(text))
                result.append(minhash)
            return result

        def rensa_matrix(texts: list[str]) -> object:
            return RMinHash.digest_matrix_from_token_sets(
                [python_shingles(t) for t in texts], NUM_PERM, 42
            )

        shingled = [python_shingles(t) for t in docs]
        contenders += [
            Contender(RENSA_UPDATE, docs, rensa_update),
            Contender(RENSA_MATRIX, docs, rensa_matrix),
            Contender(
                "rensa hashing only (shingles made beforehand)",
                docs,
                lambda _: RMinHash.digest_matrix_from_token_sets(shingled, NUM_PERM, 42),
            ),
        ]
    print(f"best of {args.repeat} interleaved rounds:")
    best = best_seconds(contenders, args.repeat)
    rates = {c.label: report(c, best[c.label]) for c in contenders}
    ingest_rate = rates[INGEST]
    print(f"ingest / datasketch bulk: {ingest_rate / rates[DATASKETCH_BULK]:5.1f}x (target >= 4x)")
    if RENSA_UPDATE in rates:
        print(
            f"ingest / rensa end to end: {ingest_rate / rates[RENSA_UPDATE]:5.1f}x (update), "
            f"{ingest_rate / rates[RENSA_MATRIX]:5.1f}x (batch matrix) (target >= 2x)"
        )

    sigs = document_signatures(docs, options)
    perms = Permutations.create(NUM_PERM, options.seed)
    minhashes = [to_minhash(sig, perms) for sig in sigs]
    lsh = datasketch.MinHashLSH(threshold=0.7, num_perm=NUM_PERM)
    started = time.perf_counter()
    with lsh.insertion_session() as session:
        for key, minhash in enumerate(minhashes):
            session.insert(key, minhash)
    inserted = time.perf_counter()
    hits = sum(len(lsh.query(minhash)) for minhash in minhashes)
    queried = time.perf_counter()
    print(
        f"MinHashLSH(0.7) insert {len(docs)}: {inserted - started:.2f} s, "
        f"query {len(docs)}: {queried - inserted:.2f} s "
        f"({hits / len(docs):.1f} candidates per query)"
    )
    if np.asarray(sigs).shape != (len(docs), NUM_PERM):
        raise SystemExit(f"expected {len(docs)} signatures of {NUM_PERM}, got {sigs.shape}")


if __name__ == "__main__":
    main()
