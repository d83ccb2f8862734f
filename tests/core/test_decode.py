"""The byte decoder: encoding fixtures, declarations checked by decoding, properties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ingest
from ingest import decode

from ..conftest import FIXTURES
from ..strategies import scalar_chars

ENCODINGS = FIXTURES / "encodings"
CASES: dict[str, dict[str, str | None]] = json.loads(
    (ENCODINGS / "cases.json").read_text(encoding="utf-8")
)


def test_fixture_cases_exist() -> None:
    assert len(CASES) >= 10
    for name in CASES:
        assert (ENCODINGS / f"{name}.bin").is_file()


@pytest.mark.parametrize("name", sorted(CASES))
def test_encoding_fixture(name: str) -> None:
    case = CASES[name]
    data = (ENCODINGS / f"{name}.bin").read_bytes()
    declared = [("test", case["declared"])] if case["declared"] else []
    result = decode(data, declared=declared)
    assert result.text == (ENCODINGS / f"{name}.expected.txt").read_text(encoding="utf-8")
    if case["encoding"] is not None:
        assert result.encoding == case["encoding"]
    if case["rule"] is not None:
        assert result.rule == case["rule"]
    assert 0.0 <= result.confidence <= 1.0


def test_declaration_is_checked_by_decoding() -> None:
    data = "“quoted”".encode("cp1252")
    result = decode(data, declared=[("http", "utf-8"), ("meta", "windows-1252")])
    assert result.text == "“quoted”"
    assert result.rule == "declared:meta"
    assert result.declared == "utf-8"
    (problem,) = result.problems
    assert problem.code == "declared-charset-mismatch"
    assert problem.message == (
        "the http declares charset 'utf-8', but byte 0 (0x93) is not valid utf-8; "
        "fix the declaration or re-encode the input"
    )


def test_strict_mode_raises_on_a_wrong_declaration() -> None:
    with pytest.raises(ingest.DecodeError) as info:
        decode(b"caf\xe9", declared=[("meta", "utf-8")], source="page.html", strict=True)
    assert str(info.value) == (
        "page.html: the meta declares charset 'utf-8', but byte 3 (0xe9) is not valid "
        "utf-8; fix the declaration or re-encode the input"
    )


def test_unknown_charset_is_reported() -> None:
    result = decode(b"abc", declared=[("meta", "x-unknown")])
    assert result.text == "abc"
    assert [p.code for p in result.problems] == ["unknown-charset"]


def test_invalid_bytes_after_a_bom() -> None:
    data = b"\xef\xbb\xbfok\xff"
    result = decode(data)
    assert result.text == "ok\ufffd"
    assert [p.code for p in result.problems] == ["invalid-bytes"]
    with pytest.raises(ingest.DecodeError, match="byte-order mark") as raised:
        decode(data, strict=True)
    # Lenient mode records what strict mode raises, word for word.
    assert str(result.problems[0]) == str(raised.value)


def test_provenance_meta() -> None:
    assert decode(b"plain").meta() == {
        "encoding": "utf-8",
        "encoding_declared": None,
        "encoding_confidence": 1.0,
        "encoding_rule": "utf-8",
    }


def test_options_are_validated() -> None:
    with pytest.raises(
        ingest.OptionsError,
        match=r"^DecodeOptions.min_confidence must be a number in \[0, 1\], got 2; use 0.2",
    ):
        ingest.DecodeOptions(min_confidence=2)


@given(st.binary(max_size=3000))
def test_any_bytes_decode_without_loss_of_length(data: bytes) -> None:
    result = decode(data)
    assert isinstance(result.text, str)
    # The fallback maps every byte to one character: nothing is silently dropped.
    if result.rule == "fallback":
        assert len(result.text) == len(data)


@given(st.text(scalar_chars))
def test_utf8_round_trip(text: str) -> None:
    assert decode(text.encode("utf-8")).text == text


def test_fixture_paths_are_files() -> None:
    assert all(Path(p).is_file() for p in ENCODINGS.glob("*.bin"))


@pytest.mark.parametrize(
    ("label", "text", "encoding"),
    [
        # iso-8859-9 is windows-1254 to browsers: 0x80 is the euro sign, not a C1 control.
        ("iso-8859-9", "Fiyat 5 € oldu, dedi Ayşe.", "cp1254"),
        # gb2312 is GBK to browsers: 喆 is in GBK only.
        ("gb2312", "张喆说: 谈判已经停滞。", "gbk"),
        ("ISO-8859-1", "“Quoted” café", "windows-1252"),
        ("x-sjis", "交渉は停滞している。", "cp932"),
    ],
)
def test_declared_labels_decode_as_browsers_decode_them(
    label: str, text: str, encoding: str
) -> None:
    data = text.encode(encoding if encoding != "windows-1252" else "cp1252")
    result = decode(data, declared=[("meta", label)])
    assert (result.text, result.encoding, result.rule) == (text, encoding, "declared:meta")


def test_a_page_declared_gb2312_shows_its_gbk_characters() -> None:
    page = '<meta charset="gb2312"><body><p>张喆说: 谈判已经停滞。</p></body>'
    doc = ingest.extract_html(page.encode("gbk"))
    assert "张喆说" in doc.text
    assert doc.meta["encoding"] == "gbk"


def test_labels_that_browsers_refuse_are_not_encodings() -> None:
    result = decode(b"plain", declared=[("meta", "iso-2022-kr")])
    assert [p.code for p in result.problems] == ["unknown-charset"]
    assert result.encoding == "utf-8"
