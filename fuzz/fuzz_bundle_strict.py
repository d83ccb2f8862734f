"""Fuzz target: strict ``read_bundle``, checked against lenient reading.

Invariants, for any bytes:

* strict reading returns documents or raises :class:`ingest.BundleError`,
  :class:`ingest.DecodeError` or :class:`ingest.LimitError`, nothing else;
* when strict reading succeeds, lenient reading yields the same documents and
  records no problem but ``encoding-guessed`` (which is never an error);
* when strict reading raises a format error, lenient reading records that same
  error, rendered the same, as its first problem: lenient mode hides nothing;
* a :class:`ingest.LimitError` is raised in both modes alike.
"""

from __future__ import annotations

import sys

from harness import fuzz_main, instrumented

with instrumented(enabled=__name__ == "__main__"):
    import ingest

from fuzz_bundle_lenient import options_for


def _lenient(
    data: bytes, options: ingest.BundleOptions
) -> tuple[ingest.BundleReader, list[ingest.Document] | ingest.LimitError]:
    reader = ingest.read_bundle(data, options=options)
    try:
        return reader, list(reader)
    except ingest.LimitError as exc:
        return reader, exc


def check(data: bytes) -> str:
    options = options_for(data)
    try:
        docs = list(ingest.read_bundle(data, strict=True, options=options))
    except ingest.LimitError as exc:
        reader, lenient = _lenient(data, options)
        assert isinstance(lenient, ingest.LimitError), "strict hit a limit, lenient did not"
        assert str(lenient) == str(exc)
        return "limit"
    except (ingest.BundleError, ingest.DecodeError) as exc:
        reader, lenient = _lenient(data, options)
        errors = [p for p in reader.problems if p.code != "encoding-guessed"]
        assert errors, f"strict raised {exc}, lenient recorded nothing"
        assert str(errors[0]) == str(exc), (str(errors[0]), str(exc))
        return "error"
    reader, lenient = _lenient(data, options)
    assert not isinstance(lenient, ingest.LimitError), "lenient hit a limit, strict did not"
    assert lenient == docs
    assert [(d.name, d.text, dict(d.meta)) for d in lenient] == [
        (d.name, d.text, dict(d.meta)) for d in docs
    ]
    assert {p.code for p in reader.problems} <= {"encoding-guessed"}, reader.problems
    return "ok"


if __name__ == "__main__":
    fuzz_main("bundle_strict", check, sys.argv)
