"""The Redis index against a real ``redis-server`` that this module starts and stops.

The server runs on 127.0.0.1, on a free port, in a temporary directory, and
is stopped by its pid. Without a ``redis-server`` binary the tests skip,
except in CI (``CI`` set), where they fail: ``.ci/run`` installs the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from ingest import DedupOptions, Document, IdConflictError, IndexFileError, OptionsError
from ingest import find_duplicates as single_process
from ingest._dedup_features import compute_features

from .synthetic import generate

pytest.importorskip("redis", reason="the redis client is not installed: pip install '.[redis]'")

from ingest._redis_index import RedisIndex, decode_features, encode_features

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
        if os.environ.get("CI"):
            pytest.fail(f"in CI: {message}; .ci/run installs it")
        pytest.skip(message)
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
    with pytest.raises(OptionsError, match="open it with options=None"):
        RedisIndex(url, name=_name(request), options=DedupOptions(num_perm=64))


def test_an_unreachable_server_raises_a_clear_error() -> None:
    with pytest.raises(IndexFileError, match="could not reach Redis"):
        RedisIndex(f"redis://127.0.0.1:{_free_port()}/0", name="x")


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
