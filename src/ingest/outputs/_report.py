"""The audit page of a de-duplication run: one self-contained HTML file.

:func:`write_report` shows what :class:`ingest.DuplicateIndex` decided, for a
person to check: the run's numbers; a histogram of the scores of each kind of
duplicate with its threshold drawn, so the margin shows; the clusters,
largest first, each duplicate's text beside the text it matched with the
shared passages or aligned sentences highlighted (:func:`ingest.dedup.find_passages`);
a filter by name and kind. The page loads nothing (no network, no fonts, no
scripts from elsewhere): it works from disk, and its size is bounded however
large the run (``ReportOptions``: the largest clusters, a sample of the rest,
with counts of what was left out).
"""

from __future__ import annotations

import html
import os
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TextIO

import attrs

from ..core import Document, OptionsError, write_text
from ..dedup import KINDS, Cluster, DedupOptions, Evidence, Member, with_passages

__all__ = ["ReportOptions", "ReportSummary", "write_report"]

#: Histogram bins over the scores, from 0 to 1.
_BINS: Final = 20


def _at_least(low: int) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise OptionsError(
                f"ReportOptions.{attribute.name} must be an integer of at least {low}, "
                f"got {value!r}"
            )

    return check


@attrs.frozen
class ReportOptions:
    """What :func:`write_report` shows, and how much of it at most.

    Attributes:
        max_clusters: The largest clusters with duplicates shown in full.
        sample_clusters: Clusters drawn at random among the others (with the
            fixed ``seed``): a view of the tail.
        max_members: Members listed per cluster (the others are counted).
        max_pairs: Duplicates shown side by side with what they matched, over
            the whole page (the others are listed with their scores).
        pairs_per_cluster: Of those, at most this many per cluster.
        max_chars: Characters of each text shown side by side (the rest is
            counted).
        seed: Seed of the sample.
    """

    max_clusters: int = attrs.field(default=500, validator=_at_least(0))
    sample_clusters: int = attrs.field(default=100, validator=_at_least(0))
    max_members: int = attrs.field(default=50, validator=_at_least(1))
    max_pairs: int = attrs.field(default=300, validator=_at_least(0))
    pairs_per_cluster: int = attrs.field(default=3, validator=_at_least(0))
    max_chars: int = attrs.field(default=5000, validator=_at_least(100))
    seed: int = attrs.field(default=0, validator=_at_least(0))


@attrs.frozen
class ReportSummary:
    """What a report shows, as counts.

    Attributes:
        clusters: Clusters with duplicates in the run.
        shown: Of those, shown on the page.
        pairs: Duplicates shown side by side with what they matched.
        duplicates: Duplicates in the run.
    """

    clusters: int
    shown: int
    pairs: int
    duplicates: int


def _threshold(kind: str, options: DedupOptions) -> float | None:
    return {
        "near": options.near_threshold,
        "containment": options.containment_threshold,
        "paraphrase": options.paraphrase_threshold,
    }.get(kind)


def _selected(
    clusters: Sequence[Cluster], options: ReportOptions
) -> tuple[list[Cluster], list[Cluster]]:
    """The clusters shown: the largest, and a sample of the rest (each largest first)."""
    ranked = sorted(
        (c for c in clusters if len(c.members) > 1), key=lambda c: (-len(c.members), c.id)
    )
    largest, rest = ranked[: options.max_clusters], ranked[options.max_clusters :]
    rng = random.Random(options.seed)  # noqa: S311 -- a reproducible sample, not a secret
    sample = rng.sample(rest, min(options.sample_clusters, len(rest)))
    sample.sort(key=lambda c: (-len(c.members), c.id))
    return largest, sample


def _pairs(shown: Iterable[Cluster], options: ReportOptions) -> list[Member]:
    """The duplicates shown side by side: the first of each cluster, up to the caps."""
    chosen: list[Member] = []
    for cluster in shown:
        duplicates = [m for m in cluster.members if m.evidence is not None]
        for member in duplicates[: options.pairs_per_cluster]:
            if len(chosen) >= options.max_pairs:
                return chosen
            chosen.append(member)
    return chosen


def write_report(
    clusters: Sequence[Cluster],
    docs: Iterable[Document],
    path: str | os.PathLike[str],
    *,
    dedup: DedupOptions | None = None,
    options: ReportOptions | None = None,
    numbers: Mapping[str, int] | None = None,
) -> ReportSummary:
    """Write the audit page of *clusters* (of *docs*) to *path*, atomically.

    *docs* is read once, and only the texts shown are kept: it may be a
    stream. *dedup* holds the thresholds drawn on the histograms (the
    options of the run); *numbers* adds counts of the run to the page's
    header (``{"failed": 2}``).

    >>> import tempfile, pathlib
    >>> from ingest import Document, find_duplicates
    >>> docs = [Document("a.txt", "The talks stalled in Beijing on Monday, officials said."),
    ...         Document("b.txt", "the talks stalled in beijing on monday, officials said")]
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> write_report(find_duplicates(docs), docs, out)
    ReportSummary(clusters=1, shown=1, pairs=1, duplicates=1)
    >>> "<mark" in out.read_text(encoding="utf-8")
    True
    """
    opts = options or ReportOptions()
    dedup_opts = dedup or DedupOptions()
    largest, sample = _selected(clusters, opts)
    pairs = _pairs([*largest, *sample], opts)
    wanted = {m.id for m in pairs} | {m.evidence.matched for m in pairs if m.evidence}
    texts: dict[str, Document] = {}
    seen = 0
    for doc in docs:
        seen += 1
        if doc.id in wanted and doc.id not in texts:
            texts[doc.id] = doc
    scores: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for cluster in clusters:
        for member in cluster.members:
            if member.evidence is not None:
                scores[member.evidence.kind].append(member.evidence.exact)
    duplicates = sum(len(s) for s in scores.values())
    with_dups = sum(1 for c in clusters if len(c.members) > 1)
    counts = {"documents": seen, "clusters with duplicates": with_dups, "duplicates": duplicates}
    counts |= dict(numbers or {})
    explained = {
        m.id: with_passages(
            m.evidence, texts[m.id].text, texts[m.evidence.matched].text, dedup_opts
        )
        for m in pairs
        if m.evidence is not None and m.id in texts and m.evidence.matched in texts
    }
    page = _Page(opts, dedup_opts, texts, explained)

    def render(out: TextIO) -> None:
        page.write(
            out, counts=counts, scores=scores, largest=largest, sample=sample, total=with_dups
        )

    write_text(path, render)
    return ReportSummary(with_dups, len(largest) + len(sample), len(explained), duplicates)


_STYLE: Final = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1400px;padding:1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin:0}table{border-collapse:collapse}
td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd;vertical-align:top}
.numbers td:first-child{color:#555}.hist{display:inline-block;margin:0 1.5em 1em 0}
.hist svg{background:#fafafa;border:1px solid #ddd}.cluster{border:1px solid #ccc;
border-radius:6px;padding:.6em .9em;margin:1em 0}.kind{font-weight:600}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em;margin:.6em 0}
.text{white-space:pre-wrap;border:1px solid #e3e3e3;padding:.5em;max-height:24em;
overflow:auto;background:#fcfcfc;font-size:13px}mark{background:#ffe27a}
.muted{color:#777}.hidden{display:none}#controls{position:sticky;top:0;background:#fff;
padding:.5em 0;border-bottom:1px solid #ddd}
"""

_SCRIPT: Final = """
(function () {
  var query = document.getElementById('filter');
  var kind = document.getElementById('kind');
  var shown = document.getElementById('shown');
  var clusters = Array.prototype.slice.call(document.querySelectorAll('section.cluster'));
  function apply() {
    var q = query.value.trim().toLowerCase(), k = kind.value, visible = 0;
    clusters.forEach(function (c) {
      var ok = (!q || c.dataset.names.indexOf(q) >= 0) &&
               (!k || c.dataset.kinds.split(' ').indexOf(k) >= 0);
      c.classList.toggle('hidden', !ok);
      if (ok) { visible += 1; }
    });
    shown.textContent = String(visible);
  }
  query.addEventListener('input', apply);
  kind.addEventListener('change', apply);
  apply();
})();
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _histogram(kind: str, values: Sequence[float], threshold: float | None) -> str:
    """An SVG histogram of *values* in [0, 1], with *threshold* drawn as a line."""
    width, height, pad = 300, 110, 16
    counts = Counter(min(int(v * _BINS), _BINS - 1) for v in values)
    top = max(counts.values(), default=1)
    bar = width / _BINS
    bars = "".join(
        f'<rect x="{b * bar:.1f}" y="{height - pad - n / top * (height - 2 * pad):.1f}" '
        f'width="{bar - 1:.1f}" height="{n / top * (height - 2 * pad):.1f}" fill="#5b8def">'
        f"<title>{b / _BINS:.2f}-{(b + 1) / _BINS:.2f}: {n}</title></rect>"
        for b, n in sorted(counts.items())
    )
    line = ""
    if threshold is not None:
        x = threshold * width
        line = (
            f'<line class="threshold" x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height - pad}" '
            f'stroke="#d33" stroke-width="2" stroke-dasharray="4 2"/>'
            f'<text x="{min(x + 3, width - 70):.1f}" y="11" font-size="10" fill="#d33">'
            f"threshold {threshold:g}</text>"
        )
    axis = "".join(
        f'<text x="{t * width:.0f}" y="{height - 3}" font-size="9" fill="#555" '
        f'text-anchor="{"start" if t == 0 else "end" if t == 1 else "middle"}">{t:g}</text>'
        for t in (0, 0.25, 0.5, 0.75, 1)
    )
    return (
        f'<figure class="hist" data-kind="{_e(kind)}"><figcaption><span class="kind">{_e(kind)}'
        f"</span>: {len(values)} duplicate{'s' if len(values) != 1 else ''}</figcaption>"
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="scores of {_e(kind)} duplicates">{bars}{line}{axis}</svg></figure>'
    )


def _marked(text: str, spans: Iterable[tuple[int, int]], limit: int) -> str:
    """*text* (its first *limit* characters) escaped, with *spans* in ``<mark>``."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[str] = []
    at = 0
    for start, stop in merged:
        if start >= limit:
            break
        end = min(stop, limit)
        parts += [_e(text[at:start]), f"<mark>{_e(text[start:end])}</mark>"]
        at = end
    parts.append(_e(text[at:limit]))
    if len(text) > limit:
        parts.append(f'<span class="muted"> [... {len(text) - limit:,} more characters]</span>')
    return "".join(parts)


@attrs.frozen
class _Page:
    options: ReportOptions
    dedup: DedupOptions
    texts: Mapping[str, Document]
    explained: Mapping[str, Evidence]

    def write(
        self,
        out: TextIO,
        *,
        counts: Mapping[str, int],
        scores: Mapping[str, Sequence[float]],
        largest: Sequence[Cluster],
        sample: Sequence[Cluster],
        total: int,
    ) -> None:
        out.write(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>ingest dedup report</title><style>{_STYLE}</style></head><body>"
            '<h1>Duplicate clusters</h1><table class="numbers" id="numbers">'
        )
        for label, value in counts.items():
            out.write(f"<tr><td>{_e(label)}</td><td>{value:,}</td></tr>")
        out.write('</table><h2>Scores by kind</h2><div id="histograms">')
        for kind in KINDS:
            out.write(_histogram(kind, scores.get(kind, ()), _threshold(kind, self.dedup)))
        shown = len(largest) + len(sample)
        left_out = total - shown
        note = (
            f"the {len(largest):,} largest"
            + (
                f" and a random sample of {len(sample):,} of the other {total - len(largest):,}"
                if sample
                else ""
            )
            + f"; {left_out:,} not shown"
            if left_out
            else "all of them"
        )
        kinds = "".join(f'<option value="{k}">{k}</option>' for k in KINDS)
        out.write(
            f'</div><div id="controls"><label>Name <input id="filter" type="search" '
            f'placeholder="part of a name"></label> <label>Kind <select id="kind">'
            f'<option value="">any</option>{kinds}</select></label> '
            f'<span class="muted"><span id="shown">{shown}</span> of {shown:,} clusters '
            f"shown; {total:,} clusters with duplicates in the run: {_e(note)}</span></div>"
        )
        for cluster in largest:
            self._cluster(out, cluster, sampled=False)
        for cluster in sample:
            self._cluster(out, cluster, sampled=True)
        out.write(f"<script>{_SCRIPT}</script></body></html>\n")

    def _cluster(self, out: TextIO, cluster: Cluster, *, sampled: bool) -> None:
        members = cluster.members
        kinds = sorted({m.evidence.kind for m in members if m.evidence is not None})
        names = " ".join(m.name.lower() for m in members)
        rep = members[0]
        out.write(
            f'<section class="cluster" id="cluster-{_e(cluster.id)}" '
            f'data-names="{_e(names)}" data-kinds="{_e(" ".join(kinds))}">'
            f'<h2>{_e(rep.name)} <span class="muted">cluster {_e(cluster.id)}: '
            f"{len(members):,} documents{' (sampled)' if sampled else ''}</span></h2>"
            "<table><tr><th>name</th><th>id</th><th>kind</th><th>score</th>"
            "<th>estimated</th><th>matched</th></tr>"
        )
        for member in members[: self.options.max_members]:
            ev = member.evidence
            cells = (
                (ev.kind, f"{ev.exact:.3f}", f"{ev.estimated:.3f}", ev.matched)
                if ev is not None
                else ("representative", "", "", "")
            )
            out.write(
                f"<tr><td>{_e(member.name)}</td><td>{_e(member.id)}</td>"
                + "".join(f"<td>{_e(c)}</td>" for c in cells)
                + "</tr>"
            )
        out.write("</table>")
        if len(members) > self.options.max_members:
            more = len(members) - self.options.max_members
            out.write(f'<p class="muted">and {more:,} more members</p>')
        for member in members:
            evidence = self.explained.get(member.id)
            if evidence is not None:
                self._pair(out, member, evidence)
        out.write("</section>")

    def _pair(self, out: TextIO, member: Member, evidence: Evidence) -> None:
        doc, matched = self.texts[member.id], self.texts[evidence.matched]
        limit = self.options.max_chars
        if evidence.kind == "paraphrase":  # runs of sentences overlap: no count that means much
            what = "aligned sentences highlighted"
        else:
            count = len(evidence.passages)
            what = f"{count} shared passage{'s' if count != 1 else ''} highlighted"
        left = _marked(doc.text, ((p.start, p.end) for p in evidence.passages), limit)
        right = _marked(
            matched.text, ((p.matched_start, p.matched_end) for p in evidence.passages), limit
        )
        out.write(
            f'<div class="pair" data-kind="{_e(evidence.kind)}">'
            f'<div><b>{_e(doc.name)}</b> <span class="muted">{_e(evidence.kind)} '
            f"{evidence.exact:.3f}; {what}</span>"
            f'<div class="text">{left}</div></div>'
            f'<div><b>{_e(matched.name)}</b> <span class="muted">matched</span>'
            f'<div class="text">{right}</div></div></div>'
        )
