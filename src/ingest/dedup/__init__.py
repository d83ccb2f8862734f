"""Duplicates: documents in, clusters of duplicates with their evidence out.

The stages, in order: text to shingles (``_shingle``), shingles to MinHash
signatures and LSH band keys (``_signature``), a document's features
(``_features``: signatures, sentence sets, exact keys; packed for Dask by
``_feature_table``), candidates from the band index (``_bands``), verification
of each candidate pair by kind (``_verify``; paraphrase alignment in
``_align``), and verified links into :class:`Cluster` values (``_clusters``).
The index that runs these stages is an object you hold
(:class:`DuplicateIndex`, ``_index``), saved and loaded by ``_file``.
Options and result types: ``_options``.

The names below beyond the public ones (features, band keys, links) are what
the engines (:mod:`ingest.engines`) and the pipeline share with the
in-memory index, so that every engine decides alike.

Imports only :mod:`ingest.core`.
"""

from ._bands import repeated_runs
from ._candidates import (
    Banding,
    SentenceKeys,
    colliding_sentences,
    document_threshold,
    lsh_banding,
)
from ._clusters import Node, cluster_links, ordered_evidence
from ._feature_table import FeatureTable
from ._features import DocFeatures, compute_features, permutations, text_key
from ._ids import is_repeat
from ._index import (
    BATCH,
    DuplicateIndex,
    IndexStats,
    find_duplicates,
    full_collections_deferred,
)
from ._kernels import available as kernels_available
from ._memory import trim_memory
from ._options import KINDS, Cluster, DedupOptions, Evidence, Member, Passage
from ._passages import find_passages, with_passages
from ._shingle import span_positions
from ._signature import (
    Signatures,
    band_hashes,
    band_keys,
    lsh_params,
    memory_lsh,
    mix64,
    to_minhash,
)
from ._terms import forget_words
from ._verify import Link, verify, verify_candidate, verify_candidates, verify_each

__all__ = [
    "BATCH",
    "KINDS",
    "Banding",
    "Cluster",
    "DedupOptions",
    "DocFeatures",
    "DuplicateIndex",
    "Evidence",
    "FeatureTable",
    "IndexStats",
    "Link",
    "Member",
    "Node",
    "Passage",
    "SentenceKeys",
    "Signatures",
    "band_hashes",
    "band_keys",
    "cluster_links",
    "colliding_sentences",
    "compute_features",
    "document_threshold",
    "find_duplicates",
    "find_passages",
    "forget_words",
    "full_collections_deferred",
    "is_repeat",
    "kernels_available",
    "lsh_banding",
    "lsh_params",
    "memory_lsh",
    "mix64",
    "ordered_evidence",
    "permutations",
    "repeated_runs",
    "span_positions",
    "text_key",
    "to_minhash",
    "trim_memory",
    "verify",
    "verify_candidate",
    "verify_candidates",
    "verify_each",
    "with_passages",
]
