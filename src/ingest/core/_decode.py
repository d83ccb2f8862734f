"""Bytes to text: one decoder for bundles, HTML pages and plain files.

The order of evidence, strongest first:

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. declared charsets, in the caller's order (an HTTP ``Content-Type``, a
   ``<meta charset>``, a bundle ``encoding`` attribute), each *checked by
   actually decoding*: a declaration the bytes contradict is reported and
   skipped;
3. strict UTF-8, the fast path for most of the web;
4. chardet, accepted only at or above ``DecodeOptions.min_confidence`` and when
   its guess decodes the whole input;
5. windows-1252 as browsers define it (every byte maps to a character, so
   nothing is ever lost), with a problem saying so.

Which rule decided, the encoding and the confidence are returned in
:class:`Decoded` and recorded in ``Document.meta`` by the readers.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from typing import Final

import attrs
import chardet
import webencodings

from ._errors import DecodeError, Problem
from ._validate import integer, number

__all__ = ["DecodeOptions", "Decoded", "decode", "normalize_encoding"]

_BOMS: Final = (
    # UTF-32 first: its little-endian mark starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Labels that browsers (WHATWG Encoding Standard) decode as windows-1252, because
#: pages that declare them are in practice written in it.
_WINDOWS_1252_LABELS: Final = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})

#: windows-1252 as the WHATWG Encoding Standard defines it: the five bytes that
#: Python's cp1252 leaves undefined map to the C1 controls of the same value.
_WHATWG_1252_TABLE: Final = "".join(
    bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)
)

WINDOWS_1252: Final = "windows-1252"

#: WHATWG encodings that decode no text: ``replacement`` (labels such as
#: ``iso-2022-kr``, which browsers refuse to decode) and ``x-user-defined``.
_WHATWG_UNDECODABLE: Final = frozenset({"replacement", "x-user-defined"})

#: Text codecs that are not charsets: they raise ``UnicodeError`` (not
#: ``UnicodeDecodeError``) on ordinary bytes, or on every input.
_NOT_CHARSETS: Final = frozenset({"idna", "punycode", "undefined"})


@attrs.frozen
class DecodeOptions:
    """How :func:`decode` weighs its evidence.

    Attributes:
        min_confidence: chardet guesses below this confidence (0 to 1) are not
            trusted; the fallback decides instead.
        sniff_bytes: how many leading bytes chardet looks at (it is the slow
            step; a prefix is enough to tell an encoding).
    """

    min_confidence: float = attrs.field(
        default=0.2,
        validator=number(0, 1, hint="use 0.2 (the default) unless you know your sources"),
    )
    sniff_bytes: int = attrs.field(default=64 * 1024, validator=integer(1))


@attrs.frozen
class Decoded:
    """Text decoded from bytes, with how the encoding was chosen.

    Attributes:
        text: The decoded text (a byte-order mark is not part of it).
        encoding: The Python codec name used (``"utf-8"``, ``"shift_jis"``,
            ``"windows-1252"``...).
        rule: What decided: ``"bom"``, ``"declared:ORIGIN"``, ``"utf-8"``,
            ``"chardet"`` or ``"fallback"``.
        confidence: 1.0 for a BOM, a declaration that decodes, or valid UTF-8;
            chardet's confidence otherwise.
        declared: The first declared charset, as given, or ``None``.
        problems: Declarations that were wrong, a low-confidence fallback.
    """

    text: str
    encoding: str
    rule: str
    confidence: float
    declared: str | None = None
    problems: tuple[Problem, ...] = ()

    def meta(self) -> dict[str, str | float | None]:
        """The provenance entries that readers put into ``Document.meta``."""
        return {
            "encoding": self.encoding,
            "encoding_declared": self.declared,
            "encoding_confidence": round(self.confidence, 4),
            "encoding_rule": self.rule,
        }


def normalize_encoding(label: str) -> str | None:
    """The codec name for a charset label, or ``None`` when no codec decodes it.

    A label is read as browsers read it (the WHATWG Encoding Standard, through
    ``webencodings``): ``iso-8859-9`` is windows-1254, ``gb2312`` is GBK,
    ``Shift_JIS`` is Microsoft's cp932, and the Latin-1 labels are
    windows-1252. A label the standard does not know falls back to Python's
    codec of that name.

    >>> normalize_encoding("ISO-8859-1"), normalize_encoding("Shift_JIS"), normalize_encoding("x")
    ('windows-1252', 'cp932', None)
    >>> normalize_encoding("iso-8859-9"), normalize_encoding("GB2312")
    ('cp1254', 'gbk')
    """
    cleaned = label.strip().strip("\"'").lower()
    if not cleaned:
        return None
    whatwg = webencodings.lookup(cleaned)
    if whatwg is not None:
        if whatwg.name in _WHATWG_UNDECODABLE:
            return None
        if whatwg.name == WINDOWS_1252:
            return WINDOWS_1252
        return str(whatwg.codec_info.name)
    try:
        info = codecs.lookup(cleaned)
    except LookupError:
        return None
    name = info.name
    # bytes-to-bytes codecs (base64, zlib, rot13...) are not charsets: bytes.decode
    # refuses them with LookupError; the codecs module marks them.
    if not getattr(info, "_is_text_encoding", True) or name in _NOT_CHARSETS:
        return None
    if name in _WINDOWS_1252_LABELS:
        return WINDOWS_1252
    return name


def _decode_as(data: bytes, encoding: str) -> str:
    """Decode strictly; windows-1252 uses the lossless WHATWG table."""
    if encoding == WINDOWS_1252:
        return codecs.charmap_decode(data, "strict", _WHATWG_1252_TABLE)[0]
    return data.decode(encoding)


def _from_bom(
    data: bytes, source: str, *, strict: bool
) -> tuple[str, str, tuple[Problem, ...]] | None:
    """Text, encoding and problems when *data* starts with a byte-order mark."""
    for bom, encoding in _BOMS:
        if not data.startswith(bom):
            continue
        body = data[len(bom) :]
        try:
            return body.decode(encoding), encoding, ()
        except UnicodeDecodeError as exc:
            # One message for both modes: a lenient problem reads as the strict error.
            msg = (
                f"the {encoding} byte-order mark is followed by bytes that are not "
                f"{encoding} (at byte {exc.start + len(bom)}); re-save the file as "
                f"{encoding} or remove the mark (lenient reading replaces them with U+FFFD)"
            )
            if strict:
                raise DecodeError(msg, source=source) from exc
            problem = Problem("invalid-bytes", msg, source)
            return body.decode(encoding, errors="replace"), encoding, (problem,)
    return None


class _RejectedError(Exception):
    """A declaration that does not hold (internal: becomes a problem or DecodeError)."""

    def __init__(self, code: str, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


def _from_declaration(
    data: bytes, origin: str, label: str, *, utf8_evidence: bool
) -> tuple[str, str]:
    """Text and encoding by one declaration, or :class:`_RejectedError` saying why not."""
    encoding = normalize_encoding(label)
    if encoding is None:
        raise _RejectedError(
            "unknown-charset",
            f"the {origin} declares charset {label!r}, which is not a known encoding; "
            "fix the declaration or remove it",
        )
    if utf8_evidence and encoding != "utf-8":
        raise _RejectedError(
            "declared-charset-mismatch",
            f"the {origin} declares charset {label!r}, but the bytes are valid UTF-8 "
            "with non-ASCII characters; decoded as UTF-8 (fix the declaration)",
        )
    try:
        return _decode_as(data, encoding), encoding
    except UnicodeDecodeError as exc:
        raise _RejectedError(
            "declared-charset-mismatch",
            f"the {origin} declares charset {label!r}, but byte {exc.start} "
            f"(0x{data[exc.start]:02x}) is not valid {encoding}; "
            "fix the declaration or re-encode the input",
        ) from exc


def decode(
    data: bytes,
    *,
    declared: Sequence[tuple[str, str]] = (),
    source: str = "<bytes>",
    strict: bool = False,
    options: DecodeOptions | None = None,
) -> Decoded:
    """Decode *data*, choosing the encoding by the rules in this module's docstring.

    *declared* lists ``(origin, charset)`` pairs in order of authority, such as
    ``[("http", "utf-8"), ("meta", "windows-1251")]``. In strict mode a
    declaration the bytes contradict raises :class:`DecodeError`; otherwise it is
    reported as a problem and the next rule decides.

    >>> decode("café".encode("cp1252")).text
    'café'
    >>> d = decode("naïve".encode(), declared=[("meta", "ascii")])
    >>> d.text, d.rule, [p.code for p in d.problems]
    ('naïve', 'utf-8', ['declared-charset-mismatch'])
    """
    opts = options or DecodeOptions()
    problems: list[Problem] = []
    first_declared = declared[0][1] if declared else None

    bom_result = _from_bom(data, source, strict=strict)
    if bom_result is not None:
        text, encoding, bom_problems = bom_result
        return Decoded(text, encoding, "bom", 1.0, first_declared, bom_problems)

    try:
        utf8_text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8_text = None
    # Non-ASCII bytes that happen to form valid UTF-8 are almost never legacy text,
    # while legacy codecs (windows-1252 above all) accept any bytes: valid UTF-8
    # outweighs a declaration of a legacy charset.
    utf8_evidence = utf8_text is not None and not data.isascii()

    for origin, label in declared:
        try:
            text, encoding = _from_declaration(data, origin, label, utf8_evidence=utf8_evidence)
        except _RejectedError as rejected:
            if strict:
                raise DecodeError(rejected.msg, source=source) from rejected.__cause__
            problems.append(Problem(rejected.code, rejected.msg, source))
            continue
        return Decoded(text, encoding, f"declared:{origin}", 1.0, first_declared, tuple(problems))

    if utf8_text is not None:
        return Decoded(utf8_text, "utf-8", "utf-8", 1.0, first_declared, tuple(problems))

    guess = chardet.detect(data[: opts.sniff_bytes])
    guessed_label = guess.get("encoding")
    confidence = float(guess.get("confidence") or 0.0)
    guessed = normalize_encoding(guessed_label) if guessed_label else None
    if guessed is not None and confidence >= opts.min_confidence:
        try:
            text = _decode_as(data, guessed)
        except UnicodeDecodeError:
            pass
        else:
            return Decoded(text, guessed, "chardet", confidence, first_declared, tuple(problems))

    problems.append(
        Problem(
            "encoding-guessed",
            "no declared or detectable encoding "
            f"(chardet: {guessed_label or 'none'} at confidence {confidence:.2f}); "
            "decoded as windows-1252, which keeps every byte; declare the encoding "
            "if the text looks wrong",
            source,
        )
    )
    text = _decode_as(data, WINDOWS_1252)
    return Decoded(text, WINDOWS_1252, "fallback", confidence, first_declared, tuple(problems))
