"""The pipeline: inputs -> (bundle | HTML) -> clean -> dedup -> outputs, in one process.

:class:`Pipeline` reads the inputs (:mod:`ingest.inputs`), extracts and cleans
in worker processes (``_workers``), de-duplicates with a
:class:`~ingest.DuplicateIndex` and writes through a sink
(:mod:`ingest.outputs`), giving a :class:`Report` of every document's
:class:`Outcome`. Options: :class:`PipelineOptions`.

Imports every stage package; only :mod:`ingest.cli` imports it.
"""

from ._options import Outcome, PipelineOptions
from ._pipeline import Pipeline, Report, summary

__all__ = ["Outcome", "Pipeline", "PipelineOptions", "Report", "summary"]
