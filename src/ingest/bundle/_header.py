"""Parsing and writing one bundle header line: ``<<<FILE name key="value" ...>>>``.

A parser here is a set of small functions over ``(text, position)``, each
returning the new position; errors carry the 1-based column. The grammar is in
``docs/bundle-format.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

__all__ = [
    "END_MARKER",
    "HEADER_PREFIX",
    "HeaderSyntaxError",
    "format_header",
    "is_end_line",
    "is_header_line",
    "parse_header",
]

HEADER_PREFIX: Final = b"<<<FILE"
HEADER_SUFFIX: Final = b">>>"
END_MARKER: Final = b"<<<END>>>"

_KEY_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_ATTR_START_RE: Final = re.compile(r'[A-Za-z][A-Za-z0-9_-]*="')
#: A name the writer may leave bare: no spaces, quotes, ``=``, ``\``, ``<`` or ``>``.
#: ``key=`` at the start of a word: the header means attributes (maybe badly quoted).
_KEY_EQUALS_RE: Final = re.compile(r"(?:^|[ \t])[A-Za-z][A-Za-z0-9_-]*=")
_BARE_NAME_RE: Final = re.compile(r"[^\s\"=\\<>\x00-\x1f\x7f]+")
_SIMPLE_ESCAPES: Final = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}
_ESCAPE_OUT: Final = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE_RE: Final = re.compile(r'["\\\x00-\x1f\x7f\u2028\u2029\x85]')


class HeaderSyntaxError(ValueError):
    """A header line breaks the grammar; ``column`` is 1-based within the line."""

    def __init__(self, msg: str, column: int) -> None:
        super().__init__(msg)
        self.msg = msg
        self.column = column


def _strip_eol(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    if line.endswith(b"\n"):
        return line[:-1]
    return line


def is_header_line(line: bytes) -> bool:
    """Whether *line* (with or without its line break) opens a member.

    >>> is_header_line(b"<<<FILE a.txt>>>\\n"), is_header_line(b"<<<FILES are nice\\n")
    (True, False)
    """
    if not line.startswith(HEADER_PREFIX):
        return False
    rest = _strip_eol(line)[len(HEADER_PREFIX) :]
    return rest == b"" or rest[:1] in (b" ", b"\t", b">")


def is_end_line(line: bytes) -> bool:
    """Whether *line* is the optional end marker ``<<<END>>>``."""
    return _strip_eol(line).rstrip(b" \t") == END_MARKER


def parse_header(line: str) -> tuple[str | None, dict[str, str]]:
    """Parse one header line (already decoded, line break removed).

    Returns the bare name (or ``None``) and the attributes, keys lower-cased.

    >>> parse_header("<<<FILE 000_a.txt>>>")
    ('000_a.txt', {})
    >>> parse_header('<<<FILE a.txt length="12" url="https://x.org/?q=\\\\"1\\\\"">>>')
    ('a.txt', {'length': '12', 'url': 'https://x.org/?q="1"'})
    >>> parse_header("<<<FILE My Notes.txt>>>")
    ('My Notes.txt', {})
    """
    text = line.rstrip(" \t")
    if not text.endswith(">>>") or len(text) < len("<<<FILE>>>"):
        raise HeaderSyntaxError(
            "unterminated header: expected '>>>' at the end of the line; "
            'close it as <<<FILE name>>> or <<<FILE name="..." ...>>>',
            len(text) + 1,
        )
    start = len("<<<FILE")
    end = len(text) - 3
    content = text[start:end]
    lead = len(content) - len(content.lstrip(" \t"))
    content = content.strip(" \t")
    base = start + lead + 1  # 1-based column of content[0]
    if '="' not in content and not _KEY_EQUALS_RE.search(content):
        _check_controls(content, base)
        return (content or None), {}
    return _parse_attribute_list(content, base)


def _check_controls(content: str, base: int) -> None:
    for i, char in enumerate(content):
        if char != "\t" and (ord(char) < 0x20 or ord(char) == 0x7F):
            raise HeaderSyntaxError(
                f"control character U+{ord(char):04X} in a header; "
                f'write the value quoted with the escape \\u{{{ord(char):x}}}, as name="..."',
                base + i,
            )


def _parse_attribute_list(content: str, base: int) -> tuple[str | None, dict[str, str]]:
    pos = 0
    bare: str | None = None
    if not _KEY_EQUALS_RE.match(content, pos):
        match = _BARE_NAME_RE.match(content, pos)
        if match is None:
            raise HeaderSyntaxError(
                f'expected a name or key="value", found {content[pos]!r}', base + pos
            )
        bare = match.group()
        pos = match.end()
    attrs: dict[str, str] = {}
    while pos < len(content):
        if pos > 0:
            pos = _skip_space(content, pos, base)
        key, value, pos = _parse_attribute(content, pos, base)
        if key in attrs:
            raise HeaderSyntaxError(f"attribute {key!r} is given twice; keep one", base + pos - 1)
        attrs[key] = value
    return bare, attrs


def _skip_space(content: str, pos: int, base: int) -> int:
    end = pos
    while end < len(content) and content[end] in " \t":
        end += 1
    if end == pos:
        raise HeaderSyntaxError(
            f"expected a space before the next attribute, found {content[pos]!r}", base + pos
        )
    return end


def _parse_attribute(content: str, pos: int, base: int) -> tuple[str, str, int]:
    key_match = _KEY_RE.match(content, pos)
    if key_match is None:
        raise HeaderSyntaxError(
            f'expected an attribute key="value", found {content[pos]!r}', base + pos
        )
    key = key_match.group().lower()
    pos = key_match.end()
    if not content.startswith('="', pos):
        raise HeaderSyntaxError(
            f'attribute {key!r} must be followed by ="value" (values are always quoted)',
            base + pos,
        )
    value, pos = _parse_quoted(content, pos + 2, base)
    return key, value, pos


def _parse_quoted(content: str, pos: int, base: int) -> tuple[str, int]:
    """Parse from after the opening quote to after the closing one."""
    out: list[str] = []
    start = pos - 1
    while pos < len(content):
        char = content[pos]
        if char == '"':
            return "".join(out), pos + 1
        if char == "\\":
            decoded, pos = _parse_escape(content, pos, base)
            out.append(decoded)
            continue
        if ord(char) < 0x20 or ord(char) == 0x7F:
            raise HeaderSyntaxError(
                f"control character U+{ord(char):04X} inside a quoted value; "
                f"escape it as \\u{{{ord(char):x}}}",
                base + pos,
            )
        out.append(char)
        pos += 1
    raise HeaderSyntaxError(
        "unterminated quoted value: expected a closing '\"' before '>>>'", base + start
    )


def _parse_escape(content: str, pos: int, base: int) -> tuple[str, int]:
    if pos + 1 >= len(content):
        raise HeaderSyntaxError(
            "a backslash ends the value; write \\\\ for a backslash", base + pos
        )
    code = content[pos + 1]
    if code in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[code], pos + 2
    if code == "u" and content.startswith("{", pos + 2):
        close = content.find("}", pos + 3)
        digits = content[pos + 3 : close] if close != -1 else ""
        if 1 <= len(digits) <= 6 and all(c in "0123456789abcdefABCDEF" for c in digits):
            value = int(digits, 16)
            if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
                return chr(value), close + 1
    raise HeaderSyntaxError(
        f'invalid escape \\{code}; use \\\\, \\", \\n, \\r, \\t or \\u{{HEX}} '
        "(1 to 6 hex digits, a Unicode scalar value)",
        base + pos,
    )


def quote(value: str) -> str:
    r"""Quote *value* for a header.

    >>> quote('say "hi"\n')
    '"say \\"hi\\"\\n"'
    """
    if _NEEDS_ESCAPE_RE.search(value) is None:
        return f'"{value}"'
    escaped = _NEEDS_ESCAPE_RE.sub(
        lambda m: _ESCAPE_OUT.get(m.group(), f"\\u{{{ord(m.group()):x}}}"), value
    )
    return f'"{escaped}"'


def format_header(name: str, attributes: Mapping[str, str]) -> str:
    """The header line (without its line break) for *name* and *attributes*.

    >>> format_header("a.txt", {"length": "5"})
    '<<<FILE a.txt length="5">>>'
    >>> format_header("My Notes.txt", {})
    '<<<FILE name="My Notes.txt">>>'
    """
    if _BARE_NAME_RE.fullmatch(name) and not _ATTR_START_RE.match(name):
        parts = [name]
    else:
        parts = [f"name={quote(name)}"]
    parts.extend(f"{key}={quote(value)}" for key, value in attributes.items())
    return "<<<FILE " + " ".join(parts) + ">>>"
