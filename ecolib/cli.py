"""The ``ecolib`` command: validate a workspace, write the demo park or an Excel template, render reports."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _cmd_validate(args: argparse.Namespace) -> int:
    from ecolib.workspace import validate_workspace

    ws, problems = validate_workspace(Path(args.workspace))
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if errors:
        print(f"{args.workspace}: {len(errors)} problem(s) must be fixed:")
        for p in errors:
            print(f"  - {p}")
    if warnings:
        print(f"{len(warnings)} warning(s):")
        for p in warnings:
            print(f"  - {p}")
    if ws is None:
        return EXIT_PROBLEMS
    print(format_summary(ws.summary()))
    return EXIT_OK


def format_summary(summary: dict) -> str:
    """The workspace summary as a few readable lines."""
    lines = [f"Workspace {summary['name']!r} is valid."]
    lines.append("  tables: " + ", ".join(f"{k} {v:,} rows" for k, v in summary["tables"].items()))
    m = summary.get("months") or {}
    if m.get("count"):
        gap = f"; missing inside the range: {', '.join(m['missing'])}" if m.get("missing") else ""
        lines.append(f"  months: {m['first']} to {m['last']} ({m['count']} months{gap})")
    for table, info in (summary.get("months_by_table") or {}).items():
        if info.get("missing"):
            lines.append(f"  {table}: no rows for {', '.join(info['missing'])}")
    f = summary.get("firms") or {}
    if f:
        lines.append(f"  firms: {f['local']:,} local, {f['external']:,} external; {f['active']:,} active, "
                     f"{f['exited']:,} exited")
    reported = summary.get("reported") or {}
    if reported and f.get("local"):
        lines.append(f"  local firms reporting: " + ", ".join(
            f"{column} {n:,}" + (f" of {f['local']:,}" if i == 0 else "") for i, (column, n) in enumerate(reported.items())))
    for table, enables in (summary.get("not_given") or {}).items():
        lines.append(f"  no {table}: not evaluated: {enables}")
    return "\n".join(lines)


def _cmd_demo(args: argparse.Namespace) -> int:
    from ecolib.datasets.biomed import BIOMED_SEED, write_biomed
    from ecolib.datasets.demo import DEFAULT_SEED, write_demo

    if args.park == "biomed" and (args.firms is not None or args.flows is not None):
        print("error: --firms and --flows size the new-energy-vehicle demo; the biomedicine demo has one size",
              file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    directory = Path(args.directory)
    if directory.exists() and not directory.is_dir():
        print(f"error: {directory} is a file, not a folder; choose another folder", file=sys.stderr)
        return EXIT_PROBLEMS
    if directory.is_dir() and not args.force and any(directory.iterdir()):
        names = sorted(p.name for p in directory.iterdir())
        shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
        print(f"error: {directory} is not empty ({shown}); the demo would overwrite its files: "
              "choose an empty folder, or pass --force to overwrite", file=sys.stderr)
        return EXIT_PROBLEMS
    kwargs = {"seed": args.seed if args.seed is not None else (BIOMED_SEED if args.park == "biomed" else DEFAULT_SEED)}
    if args.firms is not None:
        kwargs["n_local_firms"] = args.firms
    if args.flows is not None:
        kwargs["n_flows"] = args.flows
    try:
        writer = write_biomed if args.park == "biomed" else write_demo
        path = writer(directory, overwrite=args.force, **kwargs)
    except FileExistsError as err:
        print(f"error: {err.strerror}; pass --force to overwrite", file=sys.stderr)
        return EXIT_PROBLEMS
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as err:
        print(f"error: cannot write the demo workspace to {err.filename or directory}: "
              f"{err.strerror or err}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Demo workspace written to {path} in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from ecolib.presentation.template import WORKBOOK, write_template

    target = Path(args.path)
    if target.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        if target.name.lower() != WORKBOOK:
            print(f"error: the workbook must be named {WORKBOOK} to be read; give its folder, e.g. "
                  f"{target.parent / 'mypark'}", file=sys.stderr)
            return EXIT_USAGE
        target = target.parent
    if target.exists() and not target.is_dir():
        print(f"error: {target} is a file, not a folder; choose another folder", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        path = write_template(target, args.lang, overwrite=args.force)
    except FileExistsError as err:
        print(f"error: {err.strerror}; pass --force to overwrite it", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as err:
        print(f"error: cannot write {err.filename or target / WORKBOOK}: {err.strerror or err}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Template written to {path}: fill in its sheets (the first one explains them), then run "
          f"ecolib validate {target}")
    return EXIT_OK


#: Optional modules the report command never needs and does not import: jsonschema (through
#: nbformat) would import ``rfc3987_syntax``, its checker of the "iri" format, which builds some 35
#: parsers when imported (1.5-2 s of CPU); no notebook schema uses that format (jsonschema#1428).
NOT_IMPORTED = ("rfc3987_syntax",)


def _cmd_report(args: argparse.Namespace) -> int:
    for name in NOT_IMPORTED:
        sys.modules.setdefault(name, None)   # an import of it fails, and jsonschema goes without it
    from ecolib.foundations.months import parse_range
    from ecolib.report import ReportError, render

    try:
        months = parse_range(args.month)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        results = render(args.workspace, months, lang=args.lang, only=args.only, out=args.out,
                         notebooks_dir=args.notebooks, single_file=args.single_file, pdf=args.pdf)
    except ReportError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:            # Ctrl-C outside a month's run (e.g. while loading)
        print("error: interrupted; no report was published", file=sys.stderr)
        return EXIT_PROBLEMS
    several = len(args.lang) > 1
    for r in results:
        print(f"Report for {r.summary['month']}{' (' + r.summary['lang'] + ')' if several else ''}: {r.index}")
        if r.single_file:
            print(f"  as one file: {r.single_file}")
        if r.pdf:
            print(f"  as PDF: {r.pdf}")
    if len(months) > 1:
        for code in args.lang:
            print(f"All months{' (' + code + ')' if several else ''}: "
                  f"{next(r for r in results if r.summary['lang'] == code).folder.parent / 'index.html'}")
    if several:
        print(f"Every language: {results[0].folder.parent.parent / 'index.html'}")
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (what is wrong, where to look), exit code 2."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _whole_number(minimum: int, what: str):
    """An argparse type: a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be at least {minimum}, got {value}")
        return value
    parse.__name__ = what                # argparse names the type in some messages
    return parse


#: The demo needs at least this many local firms and flow rows to build its situations.
DEMO_MIN_FIRMS, DEMO_MIN_FLOWS = 60, 1000


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ecolib", description="Industrial-park ecosystem workbook.")
    sub = parser.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check a workspace and summarise it")
    v.add_argument("workspace", help="workspace folder")
    v.set_defaults(func=_cmd_validate)

    d = sub.add_parser("demo", help="write a synthetic demo park (new-energy vehicles, or biomedicine)")
    d.add_argument("directory", help="folder to write (created if missing)")
    d.add_argument("--park", choices=["nev", "biomed"], default="nev",
                   help="nev: the new-energy-vehicle park with every table (default); biomed: a biomedicine "
                        "park with Chinese-only data, no flows, no indicators and output for part of the firms")
    d.add_argument("--seed", type=_whole_number(0, "the seed"), default=None,
                   help="random seed, 0 or more (default 20261026; biomed 20261202)")
    d.add_argument("--firms", type=_whole_number(DEMO_MIN_FIRMS, "the number of local firms"), default=None,
                   help=f"number of local firms, at least {DEMO_MIN_FIRMS} (scale option; default 300)")
    d.add_argument("--flows", type=_whole_number(DEMO_MIN_FLOWS, "the number of flow rows"), default=None,
                   help=f"about this many flow rows in total, at least {DEMO_MIN_FLOWS} "
                        "(scale option; default: all, ~100 per local firm)")
    d.add_argument("--force", action="store_true",
                   help="write into a folder that is not empty, overwriting the demo's files there")
    d.set_defaults(func=_cmd_demo)

    t = sub.add_parser("template", help="write an Excel template (workspace.xlsx) for a park office to fill in")
    t.add_argument("path", help="workspace folder to write workspace.xlsx into (created if missing)")
    t.add_argument("--lang", choices=["en", "zh"], default="en",
                   help="language of the sheet names, column names, drop-down lists and instructions (default en)")
    t.add_argument("--force", action="store_true", help="overwrite an existing workspace.xlsx")
    t.set_defaults(func=_cmd_template)

    r = sub.add_parser("report", help="render the monthly report(s) to HTML")
    r.add_argument("workspace", help="workspace folder")
    r.add_argument("--month", required=True, help="YYYY-MM, or a range YYYY-MM..YYYY-MM")
    r.add_argument("--lang", choices=["en", "zh"], nargs="+", default=["en"],
                   help="report language(s), e.g. --lang en zh (default en); the languages of a month share "
                        "one computation of its analyses")
    r.add_argument("--only", nargs="+", metavar="NAME",
                   help="run only these notebooks (e.g. overview); the month's other pages are kept")
    r.add_argument("--out", default="reports",
                   help="output folder (default reports/); a month goes to <out>/<id>/<lang>/<month>/, <id> being "
                        "the workspace's report_id or its name and a short hash of its folder")
    r.add_argument("--notebooks", default=None, help="notebook folder (default: the project's notebooks/)")
    r.add_argument("--single-file", action="store_true",
                   help="also write each month as one self-contained HTML file, <out>/<id>/<lang>/<month>.html "
                        "(index and every page, plotly.js inlined once; opens offline)")
    r.add_argument("--pdf", action="store_true",
                   help="also print each month as one A4 PDF, <out>/<id>/<lang>/<month>.pdf (the brief, then each "
                        "page; page numbers, fonts embedded), with headless Chromium (apt-get install chromium)")
    r.set_defaults(func=_cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # the reader went away (``ecolib validate … | head``): stop quietly, without a traceback;
        # standard output now points nowhere so that Python's own flush at exit cannot fail
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1                             # what Python itself returns on a broken pipe


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
