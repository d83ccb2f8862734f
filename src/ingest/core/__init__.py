"""The shared core: what every stage of the pipeline takes, gives or raises.

:class:`Document` (the value that flows between stages), the error hierarchy
under :class:`IngestError`, decoding bytes to text (:func:`decode`), word and
sentence splitting shared by the duplicate stages, streaming input helpers,
atomic writes, safe output paths and CPU-time budgets.

It imports nothing from the other packages of ``ingest``; they all import it.
"""

from ._atomic import atomic_writer, write_text
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
from ._language import UNDETERMINED, detect_language, document_language, with_language
from ._safepath import SafeDirectory, UnsafePathError
from ._stream import CHUNK, Input, TextAsUtf8, Transcoder, skip_utf8_bom, sniff_wide
from ._text import content_stems, sentence_terms, sentences, word_stream

__all__ = [
    "CHECK_EVERY",
    "CHUNK",
    "PROVENANCE_KEYS",
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
    "derive_id",
    "detect_language",
    "document_language",
    "public",
    "sentence_terms",
    "sentences",
    "skip_utf8_bom",
    "sniff_wide",
    "with_language",
    "word_stream",
    "write_text",
]
