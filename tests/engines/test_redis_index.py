"""The Redis index against a real ``redis-server`` that this module starts and stops.

The server runs on 127.0.0.1, on a free port, in a temporary directory, and
is stopped by its pid. Without a ``redis-server`` binary the tests skip,
except in CI (``CI`` set), where they fail: ``.ci/run`` installs the server.
"""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import ingest
from ingest import DedupOptions, Document, IdConflictError, IndexFileError, OptionsError
from ingest import find_duplicates as single_process
from ingest.dedup._features import compute_features

from ..conftest import FIXTURES, SEEDS, missing, run_ingest
from ..synthetic import TWO_SENTENCES_SHARED, brief_in_article, generate, together

pytest.importorskip("redis", reason="the redis client is not installed: pip install '.[redis]'")

from ingest.engines._redis import (
    CONNECT_TIMEOUT,
    IndexOptionsError,
    RedisIndex,
    decode_features,
    encode_features,
)

TEXT = "Officials said on Monday that the talks over the sale had stalled again. " * 4


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """A ``redis-server`` process of this test module: start, stop by pid, restart."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary from PATH
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = (self.directory / "redis.log").read_text(errors="replace")
                pytest.fail(f"redis-server exited with {self.process.returncode}:\n{output}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not answer PING on port {self.port} within 15 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM to the server's own pid
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        message = (
            "redis-server is not on PATH; install it (Debian: apt-get install redis-server) "
            "to run the Redis index tests"
        )
        missing(message, installed_by=".ci/run")
    redis_server = RedisServer(binary, tmp_path_factory.mktemp("redis"))
    redis_server.start()
    yield redis_server
    redis_server.stop()


@pytest.fixture
def url(server: RedisServer, request: pytest.FixtureRequest) -> Iterator[str]:
    yield server.url
    # Each test uses index names of its own; drop them so the server stays small.
    index = RedisIndex(server.url, name=f"t-{request.node.name}")
    index.clear()
    index.close()


def _name(request: pytest.FixtureRequest) -> str:
    return f"t-{request.node.name}"


def test_add_query_and_clusters_match_the_single_process_index(
    url: str, request: pytest.FixtureRequest
) -> None:
    corpus = generate(160, seed=11)
    index = RedisIndex(url, name=_name(request))
    index.extend(corpus.docs[:154])
    for doc in corpus.docs[154:]:
        index.add(doc)
    assert len(index) == 160
    assert index.clusters() == single_process(corpus.docs)
    assert any(len(c.members) > 1 for c in index.clusters())


def test_the_candidate_rule_is_the_single_process_index_s(
    url: str, request: pytest.FixtureRequest
) -> None:
    """``min_candidate_sentences=3``: pairs that only share two sentences are not
    verified, within a batch (``extend``) and against the stored documents (``add``)."""
    docs = [*generate(120, seed=13).docs, *TWO_SENTENCES_SHARED, *brief_in_article()]
    every = DedupOptions(min_aligned_sentences=2)
    fewer = attrs.evolve(every, min_candidate_sentences=3)
    expected = single_process(docs, fewer)
    assert expected != single_process(docs, every)  # the two shared sentences: too few
    # The brief shares two whole sentences with the article: not verified at all.
    assert together(single_process(docs, every), "article-001.txt", "brief-001.txt")
    assert not together(expected, "article-001.txt", "brief-001.txt")
    for split in (len(docs), len(docs) - 1):  # the last pair in one batch, or added after
        index = RedisIndex(url, name=f"{_name(request)}-{split}", options=fewer)
        index.extend(docs[:split])
        for doc in docs[split:]:
            index.add(doc)
        assert index.clusters() == expected
        index.clear()
        index.close()


def test_reopening_by_name_after_a_server_restart_finds_earlier_documents(
    server: RedisServer, url: str, request: pytest.FixtureRequest
) -> None:
    options = attrs.evolve(DedupOptions(), near_threshold=0.6)
    first = RedisIndex(url, name=_name(request), options=options)
    assert first.add(Document("a", TEXT, id="a")) == []
    first._redis.save()  # write the RDB file before the restart
    first.close()
    server.stop()
    server.start()
    again = RedisIndex(url, name=_name(request))
    assert again.options == options
    assert "a" in again
    [evidence] = again.query(Document("b", TEXT.upper(), id="b"))
    assert (evidence.kind, evidence.matched) == ("exact", "a")
    assert [
        e.matched for e in again.add(Document("c", TEXT.replace("Monday", "Tuesday"), id="c"))
    ] == ["a"]
    assert [c.ids for c in again.clusters()] == [("a", "c")]


def test_repeated_documents_are_added_once_and_id_conflicts_raise(
    url: str, request: pytest.FixtureRequest
) -> None:
    index = RedisIndex(url, name=_name(request))
    doc = Document("a", TEXT)
    index.extend([doc, doc])
    index.add(doc)
    assert len(index) == 1
    with pytest.raises(IdConflictError, match="already holds"):
        index.add(Document("a", "Another text entirely.", id=doc.id))


def test_other_options_for_an_existing_index_raise(
    url: str, request: pytest.FixtureRequest
) -> None:
    RedisIndex(url, name=_name(request)).add(Document("a", TEXT))
    with pytest.raises(IndexOptionsError) as raised:
        RedisIndex(url, name=_name(request), options=DedupOptions(num_perm=64))
    assert isinstance(raised.value, OptionsError)
    assert str(raised.value) == (
        f"index {_name(request)!r} was created with num_perm 128 (not 64): signatures made "
        "with other options cannot be compared; open it with options=None (its own options) "
        "or choose another name"
    )
    assert (raised.value.stored, raised.value.asked) == (DedupOptions(), DedupOptions(num_perm=64))
    asked = DedupOptions(kinds={"exact", "near"}, near_threshold=0.8)
    with pytest.raises(
        IndexOptionsError,
        match=r"created with kinds \['containment', 'exact', "
        r"'near', 'paraphrase'\] \(not \['exact', 'near'\]\), "
        r"near_threshold 0.7 \(not 0.8\): ",
    ):
        RedisIndex(url, name=_name(request), options=asked)


def test_an_unreachable_server_raises_a_clear_error() -> None:
    with pytest.raises(IndexFileError, match="could not reach Redis"):
        RedisIndex(f"redis://127.0.0.1:{_free_port()}/0", name="x")


def test_connections_time_out_unless_the_url_says_otherwise(
    url: str, request: pytest.FixtureRequest
) -> None:
    default = RedisIndex(url, name=_name(request))
    pool = default._redis.connection_pool.connection_kwargs
    assert pool["socket_connect_timeout"] == CONNECT_TIMEOUT
    custom = RedisIndex(f"{url}?socket_connect_timeout=2.5", name=_name(request))
    assert custom._redis.connection_pool.connection_kwargs["socket_connect_timeout"] == 2.5
    default.close()
    custom.close()


def test_features_round_trip_without_pickle() -> None:
    [features] = compute_features([Document("a", TEXT)], DedupOptions())
    back = decode_features(encode_features(features))
    assert (back.id, back.name, back.words, back.exact_key) == (
        features.id,
        features.name,
        features.words,
        features.exact_key,
    )
    assert back.sentences == features.sentences
    assert (back.shingles == features.shingles).all()
    with pytest.raises(IndexFileError, match="damaged"):
        decode_features(b"IDF1\x00\x00")


# -- the public name and `ingest index add|query` ---------------------------------------------


def test_the_index_is_public_and_imported_on_first_use() -> None:
    assert ingest.RedisIndex is RedisIndex


def _lines(result: subprocess.CompletedProcess[bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_cli_index_add_then_query(url: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    name = _name(request)
    bundle = SEEDS / "tiktok.bundle"
    added = run_ingest("index", "add", "--redis", url, "--name", name, bundle)
    assert added.returncode == 0, added.stderr
    assert [(r["name"][:3], r["matches"]) for r in _lines(added)] == [
        (n, []) for n in ("000", "001", "002", "003", "004")
    ]
    assert added.stderr.decode() == (
        f"ingest index add: 5 documents in: 5 indexed, 0 already indexed, 0 failed; "
        f"0 with matches in index {name!r}\n"
    )
    # Again, with a truncated copy of 001 and a line that is not a document.
    feed = tmp_path / "feed.jsonl"
    copy = (FIXTURES / "dedup" / "truncated_001.txt").read_text(encoding="utf-8")
    feed.write_text(json.dumps({"name": "copy.txt", "text": copy}) + "\n{broken\n", "utf-8")
    again = run_ingest("index", "add", "--redis", url, "--name", name, bundle, feed)
    assert again.returncode == 1
    *failed, summary = again.stderr.decode().splitlines()
    assert failed == [
        (
            f"ingest index add: failed: {feed}: record (at line 2): not a JSON object: "
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
        )
    ]
    assert summary == (
        "ingest index add: 7 documents in: 1 indexed, 5 already indexed, 1 failed; "
        f"1 with matches in index {name!r}"
    )
    assert [r["status"] for r in _lines(again)] == 5 * ["already indexed"] + ["indexed"]
    [copied] = [r for r in _lines(again) if r["name"] == "copy.txt"]
    [evidence] = copied["matches"]
    assert (evidence["kind"], evidence["direction"]) == ("containment", "subset")
    index = RedisIndex(url, name=name)
    assert len(index) == 6
    assert evidence["matched"] in index

    queried = run_ingest("index", "query", "--redis", url, "--name", name, feed, "-o", "-", "-v")
    assert queried.returncode == 1
    assert _lines(queried) == [{**copied, "status": "queried"}]  # the index is unchanged
    assert len(index) == 6
    matches = f"matches {evidence['matched']} (containment {evidence['exact']:.2f})"
    assert queried.stderr.decode().splitlines() == [
        f"copy.txt ({copied['id']}): queried, {matches}",
        failed[0].replace("index add", "index query"),
        (
            f"ingest index query: 2 documents in: 1 queried, 1 failed; 1 with matches in index "
            f"{name!r}"
        ),
    ]
    index.close()


def test_cli_index_kinds_make_a_new_index_and_must_match_an_existing_one(
    url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    name = _name(request)
    bundle, copy = SEEDS / "tiktok.bundle", FIXTURES / "dedup" / "truncated_001.txt"
    near = ("--kinds", "exact,near")
    added = run_ingest("index", "add", "--redis", url, "--name", name, *near, bundle, copy)
    assert added.returncode == 0, added.stderr
    assert [r["matches"] for r in _lines(added)] == 6 * [[]]  # the containment is not a kind
    index = RedisIndex(url, name=name)
    assert index.options == DedupOptions(kinds={"exact", "near"})
    index.close()
    # Without --kinds: the index's own; with the same kinds, in any order: the same.
    for kinds in ((), ("--kinds", "near,exact")):
        queried = run_ingest("index", "query", "--redis", url, "--name", name, *kinds, copy)
        assert queried.returncode == 0, queried.stderr
        assert [r["matches"] for r in _lines(queried)] == [[]]

    out = tmp_path / "matches.jsonl"
    for action in ("add", "query"):
        other = run_ingest(
            "index", action, "--redis", url, "--name", name, "--kinds", "paraphrase,exact",
            copy, "-o", out,
        )  # fmt: skip
        assert other.returncode == 2
        assert other.stdout == b""
        assert other.stderr.decode() == (
            f"ingest index {action}: error: index {name!r} at {url} was created with the kinds "
            "exact,near, not exact,paraphrase (--kinds): an index finds the kinds it was created "
            "with; drop --kinds to use them, or give another --name for a new index of these "
            "kinds\n"
        )
        assert not out.exists()
    index = RedisIndex(url, name=name)
    assert len(index) == 6
    assert index.options == DedupOptions(kinds={"exact", "near"})
    index.close()


def test_cli_index_kinds_open_an_index_of_these_kinds_and_other_options(
    url: str, request: pytest.FixtureRequest
) -> None:
    """An index made through the Python API with options that the command line does not
    set: ``--kinds`` with its kinds opens it as it is."""
    options = DedupOptions(kinds={"exact", "containment"}, containment_threshold=0.5)
    RedisIndex(url, name=_name(request), options=options).close()
    copy = FIXTURES / "dedup" / "truncated_001.txt"
    kinds = ("--kinds", "containment,exact")
    added = run_ingest("index", "add", "--redis", url, "--name", _name(request), *kinds, copy)
    assert added.returncode == 0, added.stderr
    index = RedisIndex(url, name=_name(request))
    assert (len(index), index.options) == (1, options)
    index.close()


def test_cli_index_add_reports_id_conflicts_as_failed_documents(
    url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [
        {"name": "a", "text": TEXT, "id": "same"},
        {"name": "b", "text": "Another text entirely, about the harvest.", "id": "same"},
        {"name": "c", "text": TEXT.replace("Monday", "Friday")},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = run_ingest("index", "add", "--redis", url, "--name", _name(request), feed)
    assert result.returncode == 1
    failed, summary = result.stderr.decode().splitlines()
    assert failed.startswith("ingest index add: failed: document 'b' has id 'same'")
    assert summary.startswith("ingest index add: 3 documents in: 2 indexed, 0 already indexed, 1 ")
    assert [(r["name"], r["status"]) for r in _lines(result)] == [
        ("a", "indexed"),
        ("c", "indexed"),
    ]


def test_cli_index_names_an_unreachable_server_in_one_line() -> None:
    url = f"redis://127.0.0.1:{_free_port()}/0"
    result = run_ingest("index", "query", "--redis", url, SEEDS / "tiktok.bundle")
    assert result.returncode == 1
    assert result.stdout == b""
    [line] = result.stderr.decode().splitlines()  # no traceback
    assert line.startswith(f"ingest index query: error: {url} index 'default': could not reach")
    assert line.endswith("; start redis-server or check the URL (redis://HOST:PORT/DB)")


# -- indexes created by an older ingest --------------------------------------------------------


def _restore(url: str, dumped: dict[str, Any], stored: str, name: str) -> None:
    """Write the keys of the index *stored* in *dumped* (``fixtures/dedup/old_indexes.py``)
    as those of the index *name*."""
    client = RedisIndex(url, name=name)._redis
    client.delete(f"ingest:{name}:meta")
    old, new = f"ingest:{stored}:".encode(), f"ingest:{name}:".encode()
    for hex_key, entry in dumped[stored].items():
        key = new + bytes.fromhex(hex_key).removeprefix(old)
        value = entry["value"]
        if entry["type"] == "string":
            client.set(key, bytes.fromhex(value))
        elif entry["type"] == "hash":
            client.hset(key, mapping={bytes.fromhex(k): bytes.fromhex(v) for k, v in value.items()})
        elif entry["type"] == "set":
            client.sadd(key, *(bytes.fromhex(m) for m in value))
        else:
            client.rpush(key, *(bytes.fromhex(m) for m in value))


@pytest.mark.parametrize(
    ("stored", "kinds"),
    [("old-near", {"exact", "near"}), ("old-default", set(DedupOptions().kinds))],
)
def test_an_index_created_before_the_banding_was_stored_finds_its_documents(
    url: str, stored: str, kinds: set[str]
) -> None:
    """``fixtures/dedup/redis-65d9f40.json.gz``: two indexes written by commit 65d9f40, whose
    document LSH was banded at ``near_threshold`` for every kind set (and whose meta key has
    no banding); it holds three seeds and a near copy of each (``near-of-NAME``)."""
    name = f"t-old-{stored}"  # without the brackets of the test's name (a glob in clear())
    with gzip.open(FIXTURES / "dedup" / "redis-65d9f40.json.gz", "rt", encoding="utf-8") as raw:
        _restore(url, json.load(raw), stored, name)
    index = RedisIndex(url, name=name)
    assert index.options.kinds == kinds
    assert index.banding == ((14, 9), (14, 4))  # lsh_params(0.7, 128), lsh_params(0.5, 64)
    names = {
        json.loads(v)["name"]: k.decode() if isinstance(k, bytes) else k
        for k, v in index._redis.hgetall(index._key("docs")).items()
    }
    seeds = [Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    for seed in seeds[:3]:
        found = {(e.matched, e.kind) for e in index.query(Document("q", seed.text))}
        assert found == {(seed.id, "exact"), (names[f"near-of-{seed.name}"], "near")}
    # A document added now is filed under the stored banding and found again.
    index.add(Document("late", seeds[3].text, id="late"))
    assert [e.matched for e in index.query(Document("q", seeds[3].text))] == ["late"]
    assert sorted(len(c.members) for c in index.clusters()) == [1, 2, 2, 2]
    index.clear()


def test_a_new_index_keeps_its_banding_when_the_code_bands_otherwise(
    url: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = DedupOptions(kinds={"exact", "near"})
    first = RedisIndex(url, name=_name(request), options=options)
    seed = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    first.add(Document("a", seed, id="a"))
    meta = json.loads(first._redis.get(first._key("meta")) or b"null")
    assert (meta["version"], meta["banding"]) == (2, {"document": [32, 4], "sentence": [16, 4]})
    monkeypatch.setattr("ingest.engines._redis.lsh_banding", lambda _options: ((16, 8), (14, 4)))
    again = RedisIndex(url, name=_name(request))
    assert again.banding == ((32, 4), (16, 4))
    words = seed.split()
    near = " ".join([*words[:100], "edited", *words[101:]])
    [evidence] = again.query(Document("b", near, id="b"))
    assert (evidence.kind, evidence.matched) == ("near", "a")
