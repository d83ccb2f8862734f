"""The ``ingest`` command: parsing arguments and printing, over :class:`ingest.Pipeline`.

Every command is documented, with examples, in ``docs/cli.md``. Exit codes:

* ``0``: every document was written (or dropped as a duplicate);
* ``1``: some documents failed (each is reported on stderr), or the run
  stopped on an error (``--strict``, an output that cannot be written);
* ``2``: usage error (bad arguments, a missing input, an output that would
  overwrite an input, an optional extra that is not installed); nothing was
  read or written.

Documents go to stdout (or ``-o``); everything else (progress, warnings,
explanations, the closing summary) goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TextIO, cast

import attrs

from .. import __version__
from ..cleaning import CleanOptions
from ..core import IngestError, OptionsError, write_text
from ..dedup import KINDS, DedupOptions, IndexStats, kernels_available
from ..inputs import check_inputs
from ..outputs import Format, write_report
from ..pipeline import Outcome, Pipeline, PipelineOptions
from ._console import Console
from ._exit import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from ._scale import check_engine_args, dedup_options, dedup_with_dask, index_command

__all__ = ["main"]


_EXAMPLES: Final = {
    "clean": """examples:
  ingest clean seeds/tiktok.bundle --dedup          # cleaned bundle on stdout
  ingest clean pages/ feed.jsonl -o clean.bundle    # a directory and a JSONL file
  ingest clean news.bundle --format jsonl -o out.jsonl --workers 4
  ingest clean seeds/tiktok.bundle --explain > /dev/null   # what was removed, and why
  cat news.bundle | ingest clean - --format dir -o articles/""",
    "dedup": """examples:
  ingest dedup seeds/tiktok.bundle                  # a table of duplicate clusters
  ingest dedup news.bundle --format csv > clusters.csv
  ingest dedup a.bundle b.bundle --format jsonl --all
  ingest dedup --engine dask 'feeds/*.bundle' dumps/*.jsonl -o labelled/   # a local Dask cluster
  ingest dedup --engine dask --scheduler tcp://10.0.0.5:8786 '/shared/*.jsonl' -o /shared/out/""",
    "index": """examples:
  ingest index add --redis redis://127.0.0.1:6379/0 --name news today.bundle
  ingest index query --redis redis://127.0.0.1:6379/0 --name news tomorrow.jsonl""",
    "add": """examples:
  ingest index add --redis redis://127.0.0.1:6379/0 --name news today.bundle > matches.jsonl
  ingest index add --redis redis://127.0.0.1:6379/0 pages/ --workers 2 -o matches.jsonl""",
    "query": """examples:
  ingest index query --redis redis://127.0.0.1:6379/0 --name news tomorrow.jsonl
  ingest index query --redis redis://127.0.0.1:6379/0 draft.txt -v   # matches on stderr too""",
    "extract": """examples:
  ingest extract page.html                          # one document, as a bundle
  ingest extract pages/*.html --format jsonl -o pages.jsonl
  ingest extract page.html --output markdown        # the text as markdown, not cleaned
  ingest extract page.html --markdown --format jsonl -o page.jsonl   # the same, as JSONL""",
    "pack": """examples:
  ingest pack seeds/ -o seeds.bundle                # every file under seeds/ as a member""",
    "unpack": """examples:
  ingest unpack seeds/tiktok.bundle -o articles/    # one file per member""",
}


def _engine_arguments(dedup: argparse.ArgumentParser) -> None:
    """The options of ``ingest dedup`` that choose and reach an engine beyond one process."""
    dedup.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local (default): this process; dask: a Dask cluster, writing every document "
        "with its cluster as JSONL files into -o DIR (pip install 'ingest[dask]')",
    )
    dedup.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: a running scheduler (tcp://HOST:8786); "
        "default: a local cluster of --workers processes (default 2)",
    )
    dedup.add_argument(
        "--keep-going",
        action="store_true",
        help="with --engine dask: count an input that cannot be read as failed and go on "
        "(default: stop the run)",
    )
    dedup.add_argument(
        "--connect-timeout",
        type=float,
        metavar="SECONDS",
        help="with --scheduler: how long to wait for it to answer (default 30)",
    )


def _clean_arguments(clean: argparse.ArgumentParser) -> None:
    """The options of ``ingest clean`` after its inputs."""
    clean.add_argument("--dedup", action="store_true", help="drop duplicates, keep one per cluster")
    _kinds_argument(clean, "with --dedup: the kinds of duplicate to drop")
    _candidates_argument(clean)
    clean.add_argument(
        "--explain", action="store_true", help="tell on stderr what was removed, and why"
    )
    clean.add_argument(
        "--aggressiveness",
        choices=("conservative", "normal", "aggressive"),
        default="normal",
        help="how boldly to remove boilerplate (default: normal)",
    )
    clean.add_argument(
        "--rules", action="append", default=[], metavar="FILE", help="a rules file to add"
    )


def _kinds_argument(parser: argparse.ArgumentParser, what: str, more: str = "") -> None:
    """``--kinds KIND,...``, explained as *what*, then *more*."""
    parser.add_argument(
        "--kinds",
        type=_kinds,
        metavar="KIND,...",
        help=f"{what}, among {','.join(KINDS)} (default: all); exact,near is the fast "
        f"path for big corpora{more}",
    )


def _candidates_argument(parser: argparse.ArgumentParser) -> None:
    """``--candidate-sentences N``: ``DedupOptions.min_candidate_sentences``."""
    parser.add_argument(
        "--candidate-sentences",
        type=_whole,
        default=1,
        metavar="N",
        help="verify a pair that only shares sentences (not most of its text) when the "
        "sentence LSH pairs N distinct sentences of each document, or all the shorter one "
        "has, with sentences they align with (default 1; 0: every pair, whatever its "
        "sentences); 2 or 3 is the fast path for paraphrases in big corpora, at some "
        'recall of reworded short texts (docs/cli.md, "Kinds of duplicate")',
    )


class _OutputOrForm(argparse.Action):
    """``extract -o/--output``: a destination, or one of the text forms of
    ``extract_html(..., output=...)`` (``markdown``, ``text``), which sets ``--markdown``."""

    def __call__(
        self,
        _parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        _option_string: str | None = None,
    ) -> None:
        if values in _TEXT_FORMS:
            namespace.markdown = values == "markdown"
        else:
            setattr(namespace, self.dest, values)


#: What ``extract --output`` takes as the text's form rather than a destination.
_TEXT_FORMS: Final = ("markdown", "text")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ingest",
        description="Turn messy news sources into clean, de-duplicated articles.",
        epilog="exit codes: 0 ok, 1 some documents failed, 2 usage error. "
        "Run 'ingest COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"ingest {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    talk = common.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    talk.add_argument("-v", "--verbose", action="store_true", help="report every document")
    common.add_argument(
        "--strict", action="store_true", help="stop at the first problem (default: report, skip)"
    )
    workers = argparse.ArgumentParser(add_help=False)
    workers.add_argument(
        "--workers", type=_positive, metavar="N", help="processes to use (default: 1)"
    )
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument(
        "-o", "--output", metavar="OUT", help="write here, atomically (default: stdout)"
    )
    docs_format = argparse.ArgumentParser(add_help=False)
    docs_format.add_argument(
        "--format",
        choices=("bundle", "jsonl", "dir", "parquet"),
        help="output format (default: from -o's suffix, .jsonl .ndjson .parquet, else bundle; "
        "dir needs -o DIR; parquet: pip install 'ingest[parquet]')",
    )

    def command(
        name: str, help_: str, parents: list[argparse.ArgumentParser]
    ) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help_,
            description=help_,
            parents=[*parents, common],
            epilog=_EXAMPLES[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    inputs_help = "bundles, HTML, JSONL or text files, directories, or - for stdin"
    clean = command(
        "clean", "Clean documents (and drop duplicates) into a bundle, JSONL or a directory.",
        [output, docs_format, workers],
    )  # fmt: skip
    clean.add_argument("inputs", nargs="+", metavar="INPUT", help=inputs_help)
    _clean_arguments(clean)

    dedup = command("dedup", "Report clusters of duplicate documents.", [output, workers])
    dedup.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help=f"{inputs_help} (--engine dask: files or globs of them)",
    )
    dedup.add_argument(
        "--format",
        choices=("table", "json", "jsonl", "csv"),
        help="table, or json, jsonl, csv for machines (default: from -o's suffix, "
        ".json .jsonl .ndjson .csv, else table)",
    )
    dedup.add_argument("--all", action="store_true", help="list documents without duplicates too")
    dedup.add_argument(
        "--report",
        metavar="HTML",
        help="also write the audit page here: one self-contained HTML file with the clusters, "
        "each duplicate beside what it matched, and the scores",
    )
    dedup.add_argument("--no-clean", action="store_true", help="compare the text as read")
    _kinds_argument(dedup, "the kinds of duplicate to find")
    _candidates_argument(dedup)
    _engine_arguments(dedup)

    # extract's -o/--output is a destination, or the text's form as extract_html's
    # output= names it (--output markdown, --output text); a file named so: -o ./markdown.
    extract_output = argparse.ArgumentParser(add_help=False)
    extract_output.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        action=_OutputOrForm,
        help="write here, atomically (default: stdout); or 'markdown' or 'text', the form "
        "of each document's text as extract_html's output= names it (a file so named: "
        "-o ./markdown)",
    )
    extract = command(
        "extract",
        "Extract the article of HTML pages as documents.",
        [extract_output, docs_format, workers],
    )
    extract.add_argument("inputs", nargs="+", metavar="PAGE", help="HTML files, or - for stdin")
    extract.add_argument("--no-clean", action="store_true", help="keep the text as extracted")
    extract.add_argument(
        "--markdown",
        action="store_true",
        help="give each document's text as markdown, as --output markdown does (headings, "
        "lists, tables, code blocks; not cleaned: the cleaner's rules are for text)",
    )
    extract.add_argument(
        "--explain", action="store_true", help="tell on stderr what cleaning removed, and why"
    )

    pack = command("pack", "Pack the files of a directory into one bundle.", [output])
    pack.add_argument("inputs", nargs=1, metavar="DIR", help="the directory to pack")

    unpack = command("unpack", "Unpack a bundle: one file per member.", [])
    unpack.add_argument("inputs", nargs=1, metavar="BUNDLE", help="the bundle, or - for stdin")
    unpack.add_argument("-o", "--output", required=True, metavar="DIR", help="a new directory")

    index_help = (
        "Add documents to, or query, a duplicate index in Redis (pip install 'ingest[redis]')."
    )
    index = commands.add_parser(
        "index",
        help=index_help,
        description=index_help,
        epilog=_EXAMPLES["index"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = index.add_subparsers(dest="action", metavar="ACTION", required=True)
    redis = argparse.ArgumentParser(add_help=False)
    redis.add_argument(
        "--redis", required=True, metavar="URL", help="the Redis server: redis://HOST:PORT/DB"
    )
    redis.add_argument(
        "--name",
        default="default",
        help="the index's name: its keys are ingest:NAME:* (default: default)",
    )
    redis.add_argument("--no-clean", action="store_true", help="index the text as read")
    for action, help_ in (
        ("add", "Index documents; print each one's matches among those indexed before."),
        ("query", "Print each document's matches in the index; the index is unchanged."),
    ):
        sub = actions.add_parser(
            action,
            help=help_,
            description=f"{help_} One JSON line per document on stdout (or -o OUT).",
            parents=[redis, output, workers, common],
            epilog=_EXAMPLES[action],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("inputs", nargs="+", metavar="INPUT", help=inputs_help)
        _kinds_argument(
            sub, "the kinds of duplicate of a new index", "; an existing index keeps its own"
        )
    return parser


def _at_least(least: int) -> Callable[[str], int]:
    """An argument type: a whole number of at least *least*, else a usage error."""

    def whole(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(
                f"expected a whole number of at least {least}, got {text!r}"
            )
        return value

    return whole


_positive = _at_least(1)
_whole = _at_least(0)


def _kinds(text: str) -> frozenset[str]:
    """``--kinds``: comma-separated kinds of duplicate, checked by :class:`DedupOptions`."""
    names = [name.strip() for name in text.split(",")]
    try:
        return DedupOptions(kinds=names).kinds
    except OptionsError as error:
        unknown = [repr(name) for name in dict.fromkeys(names) if name not in KINDS]
        bad = f"{', '.join(unknown)} {'is not a kind' if len(unknown) == 1 else 'are not kinds'}"
        raise argparse.ArgumentTypeError(
            f"{bad if unknown else error}; expected a comma-separated list of "
            f"{', '.join(KINDS)} (e.g. exact,near), got {text!r}"
        ) from None


#: The format an output file's suffix implies when ``--format`` is not given.
_DOCS_SUFFIXES: Final = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_REPORT_SUFFIXES: Final = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def _suffix_format(output: str | None, formats: Mapping[str, str], default: str) -> str:
    """The format that *output*'s suffix names (any case) among *formats*, else *default*
    (stdout, or a suffix that names none: ``out.bundle``, ``out.txt``)."""
    if not output:
        return default
    return formats.get(os.path.splitext(output)[1].lower(), default)  # noqa: PTH122


def _docs_format(args: argparse.Namespace) -> Format:
    """``clean``'s and ``extract``'s output format: ``--format``, else -o's suffix."""
    return cast("Format", args.format or _suffix_format(args.output, _DOCS_SUFFIXES, "bundle"))


def _options(args: argparse.Namespace) -> tuple[PipelineOptions, Format]:
    """The pipeline options and output format that a command's arguments ask for."""
    workers = getattr(args, "workers", None) or 1
    base = PipelineOptions(strict=args.strict, workers=workers)
    if args.command == "clean":
        cleaning = CleanOptions(aggressiveness=args.aggressiveness, rule_files=args.rules)
        options = attrs.evolve(
            base,
            clean=cleaning,
            dedup=dedup_options(args) if args.dedup else None,
            explain=args.explain,
        )
        return options, _docs_format(args)
    if args.command == "dedup":
        clean = None if args.no_clean else CleanOptions()
        # Its reports show no language: identified only where cleaning needs it.
        options = attrs.evolve(
            base, clean=clean, dedup=dedup_options(args), languages=clean is not None
        )
        return options, "bundle"
    if args.command == "extract":
        # The cleaner's line rules are written for text, not markdown.
        clean = None if args.no_clean or args.markdown else CleanOptions()
        html = attrs.evolve(base.html, output="markdown" if args.markdown else "text")
        options = attrs.evolve(base, clean=clean, read_as="html", explain=args.explain, html=html)
        return options, _docs_format(args)
    if args.command == "pack":
        if not os.path.isdir(args.inputs[0]):  # noqa: PTH112 -- a plain check on an argument
            raise OptionsError(f"pack takes a directory, and {args.inputs[0]!r} is not one")
        return attrs.evolve(base, clean=None, read_as="text"), "bundle"
    return attrs.evolve(base, clean=None, read_as="bundle"), "dir"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ingest`` command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "output", None) == "-":
        args.output = None  # `-o -`: stdout, as without -o
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    console = Console(
        f"index {args.action}" if args.command == "index" else args.command,
        quiet=args.quiet,
        verbose=args.verbose,
        explain=getattr(args, "explain", False),
    )
    try:
        return _run(args, console)
    except BrokenPipeError:
        # The reader of our stdout went away (`| head`): stop quietly, as Unix tools do,
        # with no summary (what was read is not what was written); later writes go nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except OptionsError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except (IngestError, OSError) as exc:
        stopped = "; stopped (--strict)" if args.strict and isinstance(exc, IngestError) else ""
        if args.output:
            stopped += f"; {args.output} was left as it was"
        console.error(f"{exc}{stopped}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        console.error("interrupted; the output was left as it was")
        return EXIT_INTERRUPTED
    finally:
        console.close()


def _run(args: argparse.Namespace, console: Console) -> int:
    if args.command == "index":
        return index_command(args, console)
    if args.command == "dedup":
        check_engine_args(args)
        if args.report and args.engine == "dask":
            raise OptionsError("--report needs the local engine; drop --engine dask")
        if args.engine == "dask":
            return dedup_with_dask(args, console)
        args.format = args.format or _suffix_format(args.output, _REPORT_SUFFIXES, "table")
    if args.command == "clean" and args.kinds is not None and not args.dedup:
        raise OptionsError(
            "--kinds chooses the duplicates that --dedup drops; add --dedup "
            "(without it, clean keeps every document)"
        )
    if args.command == "clean" and args.candidate_sentences != 1 and not args.dedup:
        raise OptionsError(
            "--candidate-sentences chooses the pairs that --dedup verifies; add --dedup "
            "(without it, clean keeps every document)"
        )
    options, fmt = _options(args)
    pipeline = Pipeline(options, progress=console.progress)
    if args.command == "dedup":
        outcomes = []
        if args.report:
            check_inputs(args.inputs, args.report)
        for outcome in pipeline.run(_checked(args.inputs, args.output)):
            console.outcome(outcome)
            # The audit page shows the texts of the clusters with duplicates only.
            keep = args.report and _in_a_cluster(outcome)
            outcomes.append(outcome if keep else _without_text(outcome))
        write_text(args.output, lambda out: _print_clusters(outcomes, args, out))
        if args.report:
            _write_report(pipeline, outcomes, args.report, options)
        summary = pipeline.report.summary(written="unique")
    else:
        target = args.output if args.output is not None else sys.stdout.buffer
        pipeline.write(args.inputs, target, fmt, on_outcome=console.outcome)
        summary = pipeline.report.summary()
    report = pipeline.report
    console.say(f"ingest {args.command}: {summary}")
    if report.index_stats is not None:
        if console.verbose:
            console.say(f"ingest {args.command}: de-duplication: {report.index_stats.summary()}")
        if (hint := _alignment_hint(report.index_stats)) is not None:
            console.say(f"ingest {args.command}: {hint}")
    if report.skipped:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(report.skipped.items()))
        total = sum(report.skipped.values())
        console.say(f"ingest {args.command}: {total} records skipped, holding no document: {kinds}")
    if not report.balanced:  # pragma: no cover - the accounting is tested; this is a tripwire
        console.error("the counts do not add up; this is a bug in ingest, please report it")
        return EXIT_FAILED
    return EXIT_FAILED if report.failures else EXIT_OK


#: The sentence alignment took this many seconds, and this share of the
#: de-duplication's, or more: the command says how to leave it out.
_HINT_SECONDS: Final = 60.0
_HINT_SHARE: Final = 0.5


def _alignment_hint(stats: IndexStats, *, compiled: bool | None = None) -> str | None:
    """What to say when aligning sentences for ``paraphrase`` took most of a run (at
    least ``_HINT_SECONDS`` and ``_HINT_SHARE`` of the index's time), or ``None``;
    *compiled*: whether the compiled kernels ran (numba installed: ``ingest[fast]``),
    found out when not given. Without them, the hint names the extra first: the same
    decisions, faster.

    On a large corpus most of the pairs aligned are pages that share a sentence or
    two, and their number grows with the square of the corpus (docs/scaling.md).

    >>> stats = IndexStats(10.0, 2.0, 5.0, 83.0, pairs=900_000, alignments=880_000)
    >>> print(_alignment_hint(stats, compiled=True))
    aligning sentences for paraphrase took 83 s of the de-duplication's 100 s (880,000 \
candidate pairs); on a large corpus most are pages that share a sentence or two, and they grow \
with the square of the corpus: --candidate-sentences 3 verifies only the pairs that share \
three, --kinds exact,near,containment leaves the alignment out, --kinds exact,near the \
sentences too (docs/cli.md, "Kinds of duplicate")
    >>> print(_alignment_hint(stats, compiled=False).split(": ", 1)[1])
    pip install 'ingest[fast]' makes the same decisions faster (compiled kernels), \
--candidate-sentences 3 verifies only the pairs that share three, --kinds \
exact,near,containment leaves the alignment out, --kinds exact,near the sentences too \
(docs/cli.md, "Kinds of duplicate")
    >>> _alignment_hint(IndexStats(10.0, 2.0, 50.0, 20.0)) is None
    True
    """
    seconds = stats.verify_paraphrase
    if not stats.alignments or seconds < max(_HINT_SECONDS, _HINT_SHARE * stats.seconds):
        return None
    if compiled is None:
        compiled = kernels_available()
    faster = (
        ""
        if compiled
        else "pip install 'ingest[fast]' makes the same decisions faster (compiled kernels), "
    )
    return (
        f"aligning sentences for paraphrase took {seconds:.0f} s of the de-duplication's "
        f"{stats.seconds:.0f} s ({stats.alignments:,} candidate pairs); on a large corpus most "
        "are pages that share a sentence or two, and they grow with the square of the corpus: "
        f"{faster}--candidate-sentences 3 verifies only the pairs that share three, "
        "--kinds exact,near,containment leaves the alignment out, --kinds exact,near "
        'the sentences too (docs/cli.md, "Kinds of duplicate")'
    )


def _write_report(
    pipeline: Pipeline, outcomes: list[Outcome], path: str, options: PipelineOptions
) -> None:
    report = pipeline.report
    docs = (o.document for o in outcomes if o.document is not None and o.status != "failed")
    numbers = {"failed": report.failed}
    write_report(report.clusters, docs, path, dedup=options.dedup, numbers=numbers)


def _checked(inputs: list[str], output: str | None) -> list[str]:
    check_inputs(inputs, output)
    return inputs


# -- the cluster report of `ingest dedup` --------------------------------------------

_COLUMNS: Final = (
    "cluster",
    "representative",
    "member",
    "name",
    "source",
    "kind",
    "score",
    "matched",
)


def _without_text(outcome: Outcome) -> Outcome:
    """*outcome* as the cluster report needs it: the document without its text (the
    report lists names, ids and evidence; a corpus need not stay in memory)."""
    doc = outcome.document
    if doc is None:
        return outcome
    return attrs.evolve(outcome, document=attrs.evolve(doc, text=""), cleaning=None)


def _in_a_cluster(outcome: Outcome) -> bool:
    """Whether *outcome*'s document is in a cluster of two or more."""
    doc = outcome.document
    return doc is not None and (outcome.status == "duplicate" or "cluster_id" in doc.meta)


def _rows(outcomes: list[Outcome], *, include_singletons: bool) -> list[dict[str, object]]:
    """One row per document of a cluster with duplicates: the representative, then the rest."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        doc = outcome.document
        if doc is None or outcome.status == "failed":
            continue
        cluster = doc.meta.get("cluster_id")
        if isinstance(cluster, str):
            groups.setdefault(cluster, []).append(outcome)
        elif include_singletons:
            groups[doc.id] = [outcome]
    rows: list[dict[str, object]] = []
    for cluster, members in groups.items():
        members.sort(key=lambda o: o.status != "kept")
        for outcome in members:
            doc, ev = outcome.document, outcome.evidence
            assert doc is not None  # noqa: S101 -- filtered above
            rows.append(
                {
                    "cluster": cluster,
                    "representative": outcome.duplicate_of or doc.id,
                    "member": doc.id,
                    "name": doc.name,
                    "source": doc.source,
                    "kind": ev.kind if ev is not None else "representative",
                    "score": round(ev.exact, 4) if ev is not None else None,
                    "matched": ev.matched if ev is not None else None,
                }
            )
    return rows


def _print_clusters(outcomes: list[Outcome], args: argparse.Namespace, out: TextIO) -> None:
    rows = _rows(outcomes, include_singletons=args.all)
    if args.format == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        _print_table(rows, out)


def _print_table(rows: list[dict[str, object]], out: TextIO) -> None:
    if not rows:
        out.write("no duplicates found\n")
        return
    shown = [("cluster", "name", "source", "kind", "score", "matched")]
    previous = None
    for row in rows:
        first = row["cluster"] != previous
        previous = row["cluster"]
        score = row["score"]
        shown.append(
            (
                str(row["cluster"]) if first else "",
                str(row["name"]),
                str(row["source"]),
                str(row["kind"]),
                f"{score:.2f}" if isinstance(score, float) else "",
                str(row["matched"] or ""),
            )
        )
    widths = [max(len(line[i]) for line in shown) for i in range(len(shown[0]))]
    for line in shown:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        out.write("  ".join(cells).rstrip() + "\n")
    groups = len(dict.fromkeys(row["cluster"] for row in rows if row["kind"] != "representative"))
    out.write(f"{groups} cluster{'s' if groups != 1 else ''} with duplicates\n")
