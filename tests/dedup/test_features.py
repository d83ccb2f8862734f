"""The feature step's sentences: cut on the word stream, terms gathered per word
(issue 20), equal to the sentences and terms of each text one by one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest import DedupOptions, Document
from ingest.core import sentence_terms
from ingest.core._text import (
    SENTENCE_MARK,
    content_stems,
    sentence_stream,
    sentences,
    word_bytes,
    word_stream,
    word_terms,
)
from ingest.dedup import _terms, forget_words
from ingest.dedup._features import MIN_SENTENCE_STEMS, compute_features
from ingest.dedup._shingle import (
    distinct_tokens,
    equal_tokens,
    flat_sets,
    hash_lines,
    hash_streams,
    token_hash,
    token_keys,
    tokens_of,
)

from ..conftest import ROOT, SEEDS

#: Several scripts, spaced and not, with what cuts sentences and words: punctuation,
#: quotes, typographic marks, line breaks, apostrophes, the mark's own character.
_ALPHABET = (
    "ab cd e'.!?\n\"')]\u3002\u0964\u061f \u2019\u2026\u00a0\u00ad\x01-_1"
    "Ää ßé Ωω Жж ый लक हि مر 한국어 交渉 はカ \uff76\uff80 \u3000"
)
_TEXTS = st.text(alphabet=_ALPHABET, max_size=200)
_LANGUAGES = st.sampled_from(["en", "de", "fr", "ru", "hi", "ar", "ko", "ja", "zh", "und"])


def _one_by_one(text: str, language: str) -> tuple[list[int], list[int]]:
    """The sentence stem sets of one text the way the feature step made them before
    issue 20: each sentence's terms as a string, hashed, made sets, the small left out."""
    [terms] = sentence_terms([text], [language])
    values, sizes = flat_sets(*hash_streams([t.encode() for t in terms]))
    kept = sizes >= MIN_SENTENCE_STEMS
    return values[np.repeat(kept, sizes)].tolist(), sizes[kept].tolist()


@given(st.lists(st.tuples(_TEXTS, _LANGUAGES), max_size=6))
def test_batched_sentences_equal_each_text_alone(texts: list[tuple[str, str]]) -> None:
    docs = [
        Document(f"d{i}", text, meta={"language": language})
        for i, (text, language) in enumerate(texts)
    ]
    features = compute_features(docs, DedupOptions())
    words_only = compute_features(docs, DedupOptions(kinds={"exact", "near"}))
    for (text, language), f, w in zip(texts, features, words_only, strict=True):
        values, sizes = _one_by_one(text, language)
        assert f.sentence_values.tolist() == values
        assert f.sentence_sizes.tolist() == sizes
        # The marks are no words: shingles as without any sentence.
        assert (f.exact_key, f.words, f.shingles.tolist()) == (
            w.exact_key,
            w.words,
            w.shingles.tolist(),
        )
        assert np.array_equal(f.signature, w.signature)


@given(_TEXTS)
def test_sentence_stream_cuts_the_words_as_sentences_does(text: str) -> None:
    marked = sentence_stream(text)
    if marked is None:  # an unspaced script: sentences() weighs its characters
        return
    words = [t for t in marked.tokens if t != SENTENCE_MARK]
    assert words == word_bytes(text)
    cut = np.split(np.array(words, dtype=object), np.cumsum(marked.sizes)[:-1])
    found = [[w.decode() for w in piece] for piece in cut] if marked.sizes else []
    assert found == sentences(text)


def test_words_of_one_hash_are_told_apart() -> None:
    """Two words with one 32-bit hash (found by search) and different stems get
    their own terms."""
    assert token_hash(b"wahsing") == token_hash(b"ivrcing")
    text = "Wahsing talks stalled again today. Ivrcing officials met in Beijing on Monday."
    [f] = compute_features([Document("a", text, meta={"language": "en"})], DedupOptions())
    values, sizes = _one_by_one(text, "en")
    assert (f.sentence_values.tolist(), f.sentence_sizes.tolist()) == (values, sizes)


def test_words_of_one_64_bit_key_are_told_apart() -> None:
    """Two words of 16 letters with one 64-bit token key (made so: the key of a
    token longer than 8 bytes is no bijection of its bytes) are two words by their
    bytes, and get their own terms."""
    first, second = b"negotiationsover", b"jzqxjmfhuyxcsykx"
    tokens = tokens_of([b" ".join([first, second, first, b"deal", second])])
    keys = token_keys(tokens)
    assert keys[0] == keys[1]
    pairs = np.array([1, 4, 0, 3, 2])  # token i against token pairs[i]
    assert equal_tokens(tokens, keys, np.arange(5), pairs).tolist() == [
        False,
        True,
        True,
        True,
        False,
    ]
    stand, number = distinct_tokens(tokens, keys, np.arange(5))
    words = [tokens.data[s : s + 16].split()[0] for s in tokens.starts[stand].tolist()]
    assert set(words) == {b"deal", first, second}  # second may stand twice
    assert [words[n] for n in number.tolist()] == [first, second, first, b"deal", second]
    text = f"Talks on {first.decode()} stalled again today. {second.decode()} officials met."
    for _ in range(2):  # new words, then words the vocabulary holds
        [f] = compute_features([Document("a", text, meta={"language": "en"})], DedupOptions())
        assert (f.sentence_values.tolist(), f.sentence_sizes.tolist()) == _one_by_one(text, "en")


#: Words for the vocabulary: short and long, two of one 64-bit key, and enough to
#: make its table grow.
_WORDS = [
    b"negotiationsover",
    b"jzqxjmfhuyxcsykx",
    *(f"w{i}".encode() for i in range(1500)),
    *(f"longer-word-{i}".encode() for i in range(1500)),
]


@given(st.lists(st.lists(st.sampled_from(_WORDS[:2]) | st.sampled_from(_WORDS), max_size=700)))
def test_word_ids_are_one_per_word_batch_after_batch(batches: list[list[bytes]]) -> None:
    """A word keeps its id from batch to batch, and two words never share one (the
    vocabulary's table grown, probed, and the two words of one key told apart)."""
    terms = _terms._TermHashes()
    seen: dict[bytes, int] = {}
    for batch in batches:
        tokens = tokens_of([b" ".join(batch)])
        ids = terms.word_ids(tokens, token_keys(tokens), np.arange(len(batch)), "en")
        for word, number in zip(batch, ids.tolist(), strict=True):
            assert seen.setdefault(word, number) == number
    assert len(set(seen.values())) == len(seen)


@pytest.mark.parametrize("kept", [1 << 19, 20])
def test_the_words_cache_gives_the_same_terms(kept: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch after batch through the words' terms kept, also when the cache is full
    and starts again between batches (*kept* words)."""
    monkeypatch.setattr(_terms, "_TERMS_KEPT", kept)
    texts = [
        "The talks stalled on Monday. Officials met in Beijing again.",
        "Die Verhandlungen sind ins Stocken geraten, sagte die Regierung am Montag.",
        "Officials met in Beijing again. The talks stalled on Monday, they said.",
        "交渉は今週も停滞したと伝えられた。北京は合意の存在を否定した。",
    ]
    languages = ["en", "de", "en", "ja"]
    docs = [
        Document(f"d{i}", t, meta={"language": lang})
        for i, (t, lang) in enumerate(zip(texts, languages, strict=True))
    ]
    _terms._TERMS.clear()
    for _ in range(2):
        for doc, text, language in zip(docs, texts, languages, strict=True):
            [f] = compute_features([doc], DedupOptions())
            values, sizes = _one_by_one(text, language)
            assert (f.sentence_values.tolist(), f.sentence_sizes.tolist()) == (values, sizes)
    assert _terms._TERMS.bounds.size <= kept + 60


def test_forgetting_the_words_drops_their_tables_and_keeps_the_features() -> None:
    """``forget_words`` (a Dask worker's, once its partitions are signed) drops every
    word and table; the documents signed again have the same features."""
    docs = [Document(f"s{i}", text) for i, text in enumerate(_news_texts())]
    before = compute_features(docs, DedupOptions())
    assert _terms._TERMS.vocabularies
    forget_words()
    assert not _terms._TERMS.vocabularies
    assert _terms._TERMS.bounds.size == 2  # no word but id 0
    after = compute_features(docs, DedupOptions())
    for a, b in zip(before, after, strict=True):
        assert a.sentence_values.tolist() == b.sentence_values.tolist()
        assert a.sentence_sizes.tolist() == b.sentence_sizes.tolist()
    assert _terms._TERMS.vocabularies  # learned again


@given(
    st.lists(
        st.lists(st.integers(0, 2**32 - 1) | st.integers(0, 3), max_size=3000),
        max_size=12,
    )
)
def test_flat_sets_are_each_groups_distinct_values_sorted(groups: list[list[int]]) -> None:
    """Groups sorted in chunks (one group alone, or several together; groups larger
    than a chunk) give each group's distinct values in order."""
    values = np.array([v for g in groups for v in g], dtype=np.uint32)
    flat, sizes = flat_sets(values, np.array([len(g) for g in groups], dtype=np.int64))
    assert (flat.dtype, sizes.dtype) == (np.dtype(np.uint32), np.dtype(np.int64))
    assert sizes.tolist() == [len(set(g)) for g in groups]
    assert flat.tolist() == [v for g in groups for v in sorted(set(g))]


@given(st.lists(st.sampled_from(["a", "ab", "deal", "talks", "x" * 9, "y" * 17, "é"]), max_size=80))
def test_distinct_tokens_group_the_tokens_by_their_bytes(words: list[str]) -> None:
    """Every token's number names its word: equal numbers for equal bytes, and
    different ones for different bytes (tokens in shared slots of the table too)."""
    tokens = tokens_of([" ".join(words).encode()])
    stand, number = distinct_tokens(tokens, token_keys(tokens), np.arange(len(words)))
    spans = zip(tokens.starts[stand], tokens.lengths[stand], strict=True)
    stood = [tokens.data[s : s + n] for s, n in spans]
    assert [stood[n].decode() for n in number.tolist()] == words
    assert len(stood) == len(set(words))


def _news_texts() -> list[str]:
    """The seeds and the hand-written rewrites, in seven languages."""
    paths = sorted(SEEDS.glob("*.txt")) + sorted(
        (ROOT / "benchmarks" / "data" / "news" / "rewrites").glob("*.txt")
    )
    assert len(paths) > 30
    return [path.read_text(encoding="utf-8") for path in paths]


def test_threads_sharing_the_words_get_each_texts_features(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Batches in several threads at once (the words' terms are shared, and emptied
    when full) give the features of each batch alone."""
    monkeypatch.setattr(_terms, "_TERMS_KEPT", 300)
    docs = [Document(f"d{i}", text) for i, text in enumerate(_news_texts())]
    batches = [docs[start : start + 8] for start in range(0, len(docs), 8)]
    alone = [
        [f.sentence_values.tobytes() for f in compute_features(b, DedupOptions())] for b in batches
    ]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda b: compute_features(b, DedupOptions()), batches * 3))
    for batch, features in zip(batches * 3, together, strict=True):
        assert [f.sentence_values.tobytes() for f in features] == alone[batches.index(batch)]


_SENTENCES = (
    "Officials reviewed the trade deal on Monday.",
    "Talks stalled in Beijing again this week.",
    "Markets rose sharply after the announcement.",
    "The minister declined to comment further.",
)


@given(st.lists(st.lists(st.integers(0, 3), max_size=9), min_size=1, max_size=6))
def test_sentence_groups_firsts_and_repeats_follow_their_definitions(
    picks: list[list[int]],
) -> None:
    texts = [" ".join(_SENTENCES[k] for k in pick) for pick in picks]
    docs = [Document(str(i), text) for i, text in enumerate(texts)]
    for features in compute_features(docs, DedupOptions()):
        groups = features.sentence_group_of
        sets = [s.tobytes() for s in features.sentence_hashes]
        seen: dict[bytes, int] = {}
        assert groups.tolist() == [seen.setdefault(s, len(seen)) for s in sets]
        assert features.sentence_repeated == (len(seen) < len(sets))
        firsts = [sets.index(s) for s in seen]  # each group's first sentence
        assert features.sentence_firsts.tolist() == firsts


@given(st.lists(_TEXTS, max_size=12))
def test_hash_lines_hash_each_line_as_hash_streams_hashes_each_stream(texts: list[str]) -> None:
    streams = [word_stream(text) for text in texts]  # word streams: no newline
    hashes, counts = hash_lines(b"".join(stream + b"\n" for stream in streams))
    expected_hashes, expected_counts = hash_streams(streams)
    assert (hashes.tolist(), counts.tolist()) == (
        expected_hashes.tolist(),
        expected_counts.tolist(),
    )


@given(_TEXTS, st.sampled_from(["en", "de", "ru", "ko", "ja"]))
def test_new_words_are_decoded_sorted_and_termed_as_one_by_one(text: str, language: str) -> None:
    """The bulk path of new words: their strings, which are plain (ASCII without an
    apostrophe), and their terms, as each word alone gives them."""
    tokens = tokens_of([word_stream(text)])
    which = np.arange(tokens.starts.size)
    words = [
        tokens.data[start : start + length].decode("utf-8", "surrogatepass")
        for start, length in zip(tokens.starts.tolist(), tokens.lengths.tolist(), strict=True)
    ]
    assert _terms._strings(tokens, which) == words
    plain = [w.isascii() and "'" not in w for w in words]
    assert (~_terms._special(tokens, which)).tolist() == plain
    # word_terms is what content_stems makes of each word alone: the plain words
    # together (its short path), the others, and all of them at once.
    alone = [" ".join(content_stems([w], language)) for w in words]
    for chosen in (plain, [not p for p in plain], [True] * len(words)):
        picked = [w for w, c in zip(words, chosen, strict=True) if c]
        assert word_terms(picked, language) == [t for t, c in zip(alone, chosen, strict=True) if c]
