"""The shared core: what every stage of the pipeline takes, gives or raises.

:class:`Document` (the value that flows between stages) and its JSONL record
(one codec for every engine), the error hierarchy under :class:`IngestError`,
decoding bytes to text (:func:`decode`), word and sentence splitting shared by
the duplicate stages, streaming input helpers, atomic writes, safe output
paths, CPU-time budgets, and loops compiled by numba when it is installed.

It imports nothing from the other packages of ``ingest``; they all import it.
"""

from ._atomic import atomic_writer, write_text
from ._compiled import jit, numba_installed
from ._deadline import CHECK_EVERY, Deadline
from ._decode import WINDOWS_1252, Decoded, DecodeOptions, decode
from ._document import PROVENANCE_KEYS, Document, Meta, MetaValue, derive_id
from ._errors import (
    BundleError,
    DecodeError,
    HtmlError,
    IdConflictError,
    IndexFileError,
    IngestError,
    LimitError,
    OptionsError,
    PositionedError,
    Problem,
    public,
)
from ._jsonl import (
    JSONL_META_KEYS,
    JSONL_SUFFIXES,
    decode_jsonl_line,
    document_from_record,
    encode_jsonl,
    jsonl_record,
)
from ._language import (
    UNDETERMINED,
    detect_language,
    document_language,
    document_languages,
    terms_language,
    with_language,
    with_languages,
)
from ._safepath import SafeDirectory, UnsafePathError
from ._stream import CHUNK, Input, TextAsUtf8, Transcoder, skip_utf8_bom, sniff_wide
from ._text import (
    SENTENCE_MARK,
    content_stems,
    marked_stream,
    sentence_sizes,
    sentence_terms,
    sentences,
    word_stream,
    word_terms,
)
from ._validate import flag, instance_of, integer, number, one_of

__all__ = [
    "CHECK_EVERY",
    "CHUNK",
    "JSONL_META_KEYS",
    "JSONL_SUFFIXES",
    "PROVENANCE_KEYS",
    "SENTENCE_MARK",
    "UNDETERMINED",
    "WINDOWS_1252",
    "BundleError",
    "Deadline",
    "DecodeError",
    "DecodeOptions",
    "Decoded",
    "Document",
    "HtmlError",
    "IdConflictError",
    "IndexFileError",
    "IngestError",
    "Input",
    "LimitError",
    "Meta",
    "MetaValue",
    "OptionsError",
    "PositionedError",
    "Problem",
    "SafeDirectory",
    "TextAsUtf8",
    "Transcoder",
    "UnsafePathError",
    "atomic_writer",
    "content_stems",
    "decode",
    "decode_jsonl_line",
    "derive_id",
    "detect_language",
    "document_from_record",
    "document_language",
    "document_languages",
    "encode_jsonl",
    "flag",
    "instance_of",
    "integer",
    "jit",
    "jsonl_record",
    "marked_stream",
    "numba_installed",
    "number",
    "one_of",
    "public",
    "sentence_sizes",
    "sentence_terms",
    "sentences",
    "skip_utf8_bom",
    "sniff_wide",
    "terms_language",
    "with_language",
    "with_languages",
    "word_stream",
    "word_terms",
    "write_text",
]
