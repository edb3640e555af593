"""The command line: parse, call the core, render, exit. Nothing else happens here."""

from __future__ import annotations

import enum
import gc
import os
import shlex
import sys
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from . import __version__
from .errors import EvidenceError
from .options import (
    DEFAULT_INDEX_PAIRS,
    CompareOptions,
    OptionError,
    UserRegion,
    parse_region,
    read_regions_file,
)
from .outputs import STDOUT, OutputError, check_output_paths, printable
from .thresholds import DEFAULT_MAX_PIXELS

__all__ = ["ExitCode", "app", "main"]


class ExitCode(enum.IntEnum):
    """Exit statuses promised by the contract (1 is an internal error, which should not happen)."""

    OK = 0
    INTERNAL_ERROR = 1
    USAGE = 2
    UNREADABLE_INPUT = 3


EXAMPLES = """\
Examples:

\b
  simforensics compare original.png copy.jpg
  simforensics compare original.png copy.jpg --json report.json --mask changes.png --html report.html
  simforensics compare original.png copy.jpg --html report.html --pdf report.pdf
  simforensics compare original.png copy.jpg --region signature=820,1400,300,90
  simforensics inspect suspicious.webp --json -
  simforensics scan portfolio/ --against app-gallery/ --json matches.json --html matches.html
  simforensics scan /shared/gallery/ --scheduler tcp://scheduler-host:8786 --json matches.json
  simforensics video clip.mp4 --against portfolio/ --json spans.json --html exhibit.html
  simforensics trace collage.jpg --against portfolio/ --map sources.png --html trace.html
  simforensics demo
"""

app = typer.Typer(
    name="simforensics",
    help="Perceptual image-similarity forensics: is that picture a copy of mine, and what was changed?",
    epilog=EXAMPLES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

stdout = Console(highlight=False, emoji=False)  # a file named a:smile:.png is printed as named
stderr = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def _say(line: str) -> None:
    """One line on stderr; a file name's bytes that are not UTF-8 as "\\xff", as in the reports."""
    stderr.print(printable(line), markup=False)


def _fail(code: ExitCode, message: str) -> NoReturn:
    _say(f"simforensics: {message}")
    raise typer.Exit(int(code))


def _started() -> None:
    """The command's modules are loaded: collect garbage again, leaving out what start-up built.

    ``main`` holds the cyclic collector off while the modules load: they make hundreds of
    thousands of objects that live to the end, which it walked in 171 collections (holding it off
    saved 0.13 s of a thumbnail comparison's 0.82 s of processor time). Those objects are then set
    aside (``gc.freeze``) and the collector runs as usual on what the command makes.
    """
    gc.freeze()
    gc.enable()


def _version(value: bool) -> None:
    if value:
        stdout.print(f"simforensics {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
) -> None:
    """Perceptual image-similarity forensics."""


def _check_outputs(pairs: list[tuple[str, str | None]], inputs: list[str]) -> None:
    try:
        check_output_paths(pairs, inputs)
    except OutputError as exc:
        _fail(ExitCode.USAGE, str(exc))


def _refuse_writes_into(folders: list[str], outputs: list[tuple[str, str | None]], what: str = "portfolio") -> None:
    """A portfolio, or a scanned folder, is evidence: no output or cache may be written inside it
    (nor over a picture given as a file)."""
    for folder in folders:
        inside = os.path.realpath(folder) + (os.sep if os.path.isdir(folder) else "")
        for option, path in outputs:
            if not path or path == STDOUT:
                continue
            written = os.path.realpath(path)
            if written == inside:
                _fail(ExitCode.USAGE, f"{option} {path}: refusing to overwrite the input {folder}")
            if inside.endswith(os.sep) and written.startswith(inside):
                where = "would replace a file" if os.path.lexists(path) else "would be written"
                _fail(ExitCode.USAGE, f"{option} {path}: {where} inside the {what} folder {folder}, which is evidence "
                                      "and never written to")


def _cache_path(cache: str | None, no_cache: bool) -> str | None:
    from .scan.cache import cache_path_given

    try:
        return cache_path_given(cache, no_cache)
    except OptionError as exc:
        _fail(ExitCode.USAGE, str(exc))


def _user_regions(region: list[str], regions_file: str | None) -> tuple[UserRegion, ...]:
    try:
        parsed = [parse_region(text) for text in region]
        if regions_file:
            parsed.extend(read_regions_file(regions_file))
    except OptionError as exc:
        _fail(ExitCode.USAGE, str(exc))
    names = [r.name for r in parsed]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        _fail(ExitCode.USAGE, f"region names must be unique; repeated: {', '.join(duplicates)}")
    return tuple(parsed)


MaxPixels = Annotated[
    int,
    typer.Option(
        "--max-pixels",
        min=1,
        help="Refuse images with more pixels than this, from the header, before decoding.",
    ),
]


@app.command(epilog=EXAMPLES)
def compare(
    original: Annotated[str, typer.Argument(help="The original picture (the reference).")],
    copy: Annotated[str, typer.Argument(help="The picture suspected to be a copy of it.")],
    json_path: Annotated[
        str | None, typer.Option("--json", metavar="PATH", help="Write the JSON report ('-' = stdout).")
    ] = None,
    html_path: Annotated[
        str | None, typer.Option("--html", metavar="PATH", help="Write the self-contained HTML report.")
    ] = None,
    pdf_path: Annotated[
        str | None, typer.Option("--pdf", metavar="PATH", help="Write the report as a paginated PDF.")
    ] = None,
    mask_path: Annotated[
        str | None,
        typer.Option("--mask", metavar="PATH", help="Write the change mask PNG (255 changed, 0 same, 128 not covered)."),
    ] = None,
    region: Annotated[
        list[str],
        typer.Option("--region", metavar="NAME=X,Y,W,H", help="A region of interest in ORIGINAL's pixels (repeatable)."),
    ] = [],  # noqa: B006 - Typer reads the default; it is never mutated
    regions_file: Annotated[
        str | None,
        typer.Option("--regions", metavar="FILE", help='A JSON list of {"name": ..., "box": [x, y, w, h]}.'),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on the terminal.")] = False,
    max_pixels: MaxPixels = DEFAULT_MAX_PIXELS,
    reference: Annotated[
        str | None,
        typer.Option("--reference", metavar="FOLDER",
                     help="Unrelated works of the same genre: how rare a resemblance is, among them (default: builtin)."),
    ] = None,
) -> None:
    """Compare ORIGINAL and COPY: alignment, hashes, SSIM, changed areas and a verdict."""
    from .compare import compare_files
    from .report import render

    _started()

    outputs = [("--json", json_path), ("--html", html_path), ("--pdf", pdf_path), ("--mask", mask_path)]
    _check_outputs(outputs, [original, copy])
    for option, path in outputs[1:]:
        if path == STDOUT:
            _fail(ExitCode.USAGE, f"{option} writes a file; '-' (stdout) is for --json only")
    if reference is not None and not os.path.isdir(reference):
        _fail(ExitCode.USAGE, f"--reference {reference}: not a folder")
    if reference is not None and not quiet:
        from .resemblance.population import reference_is_kept

        if not reference_is_kept(reference, max_pixels=max_pixels):  # a few minutes for a thousand pictures
            _say(f"simforensics: making the reference from the pictures under {reference}, once: it is kept in "
                 "the cache for the next comparison")
    options = CompareOptions(
        original=original,
        copy=copy,
        json_path=json_path,
        html_path=html_path,
        pdf_path=pdf_path,
        mask_path=mask_path,
        regions=_user_regions(region, regions_file),
        quiet=quiet,
        max_pixels=max_pixels,
        reference=reference,
        command_line=tuple(sys.argv),
        working_directory=os.getcwd(),
    )
    try:
        comparison = compare_files(options)
    except EvidenceError as exc:
        _fail(ExitCode.UNREADABLE_INPUT, str(exc))
    except OptionError as exc:
        _fail(ExitCode.USAGE, str(exc))
    try:
        render.write_compare_outputs(comparison, options)
    except OutputError as exc:
        _fail(ExitCode.USAGE, str(exc))
    if not quiet and json_path != STDOUT:
        render.print_compare(stdout, comparison, brief=bool(json_path or html_path or pdf_path))


@app.command()
def inspect(
    images: Annotated[list[str], typer.Argument(help="One or more image files.")],
    json_path: Annotated[
        str | None, typer.Option("--json", metavar="PATH", help="Write the JSON report ('-' = stdout).")
    ] = None,
    max_pixels: MaxPixels = DEFAULT_MAX_PIXELS,
) -> None:
    """Show what a file is: identity (SHA-256), format, decoding notes, and its metadata (EXIF, XMP,
    IPTC, PNG text, AI-generation records, C2PA content credentials)."""
    from .inspection import inspect_files
    from .report import render

    _started()

    _check_outputs([("--json", json_path)], images)
    result = inspect_files(images, max_pixels=max_pixels)
    try:
        render.write_inspect_outputs(result, json_path)
    except OutputError as exc:
        _fail(ExitCode.USAGE, str(exc))
    if json_path != STDOUT:
        render.print_inspect(stdout, result)
    for path, reason in result.errors:
        _say(f"simforensics: {path}: {reason}")
    if result.errors:
        raise typer.Exit(int(ExitCode.UNREADABLE_INPUT))


@app.command()
def scan(
    folders: Annotated[list[str], typer.Argument(help="Folders (or single pictures) to search, recursively.")],
    against: Annotated[
        list[str] | None,
        typer.Option("--against", metavar="REFERENCE", help="Match only against this reference folder (repeatable)."),
    ] = None,
    json_path: Annotated[str | None, typer.Option("--json", metavar="PATH", help="Write the JSON result ('-' = stdout).")] = None,
    html_path: Annotated[
        str | None,
        typer.Option("--html", metavar="PATH",
                     help="Write an HTML index of the pairs, with a comparison report for each in PATH's folder (NAME-pairs/)."),
    ] = None,
    html_pairs: Annotated[
        int, typer.Option("--html-pairs", metavar="N", min=1, help="Pairs listed in the HTML index, each compared in full.")
    ] = DEFAULT_INDEX_PAIRS,
    csv_path: Annotated[str | None, typer.Option("--csv", metavar="PATH", help="Write the pairs as CSV ('-' = stdout).")] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Parallel worker processes (default: all cores; not used with --scheduler).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", metavar="tcp://HOST:PORT", envvar="SIMFORENSICS_SCHEDULER",
                     help="Run on the Dask cluster of this scheduler (the folders must be on storage every worker sees)."),
    ] = None,
    cache: Annotated[
        str | None,
        typer.Option("--cache", metavar="PATH", help="Feature cache (SQLite); default: the user cache folder."),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Keep nothing between runs.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on the terminal.")] = False,
    max_pixels: MaxPixels = DEFAULT_MAX_PIXELS,
    related: Annotated[
        int, typer.Option("--related", metavar="K", min=0,
                          help="With --against: for each picture, the K reference pictures most like it that are not copies.")
    ] = 0,
) -> None:
    """Find copies among all images under FOLDERS, or between FOLDERS and --against."""
    import sqlite3  # the cache's own errors (imported here: compare never needs it)

    from .report import render
    from .report.progress import scan_progress
    from .scan import ClusterError, scan_folders
    from .scan.cache import CacheError
    from .scan.related import related_csv_path
    from .scan.request import scan_request

    _started()

    try:
        request = scan_request(folders=folders, against=against, json_path=json_path, csv_path=csv_path,
                               html_path=html_path, html_pairs=html_pairs, workers=workers, scheduler=scheduler,
                               cache=cache, no_cache=no_cache, max_pixels=max_pixels, related=related)
    except (OptionError, OutputError) as exc:
        _fail(ExitCode.USAGE, str(exc))
    # The scanned folders are evidence: a JSON or CSV file may be added to one (a harness writes
    # its results beside the pictures), never over a file in it (--json over a scanned picture
    # replaced it); the HTML index, which writes a folder of reports beside itself (a report per
    # pair shown, each holding both pictures), is not written inside one at all.
    related_csv = related_csv_path(csv_path) if related and csv_path and csv_path != STDOUT else None
    scanned = folders + (against or [])
    _refuse_writes_into(scanned, [(option, path) for option, path in (("--json", json_path), ("--csv", csv_path),
                                                                       ("--csv (related works)", related_csv))
                                  if path and path != STDOUT and os.path.lexists(path)], what="scanned")
    _refuse_writes_into(scanned, [("--html", html_path), ("--cache", cache)], what="scanned")
    for warning in request.warnings:
        _say(f"simforensics: warning: {warning}")
    options = request.scan
    show_progress = not quiet and stderr.is_terminal
    try:
        with scan_progress(stderr, enabled=show_progress) as progress:
            result = scan_folders(options, progress)
    except ClusterError as exc:
        _fail(ExitCode.USAGE, str(exc))
    except (CacheError, sqlite3.Error) as exc:  # SQLite is used by the cache alone
        _fail(ExitCode.USAGE, f"--cache {options.cache_path}: cannot be used ({exc})")
    except OSError as exc:  # the system refused something else (processes, memory, files)
        where = f" ({exc.filename})" if exc.filename else ""
        _fail(ExitCode.INTERNAL_ERROR, f"scan stopped by a system error: {exc.strerror or exc}{where}")
    for warning in result.warnings:
        _say(f"simforensics: warning: {warning}")
    try:
        render.write_scan_outputs(result, request.json_path, request.csv_path)
        if request.html_path is not None:
            from .report.scan_index import write_scan_index

            with scan_progress(stderr, enabled=show_progress) as progress:
                write_scan_index(result, request.html_path, folders=options.folders, against=options.against,
                                 limit=request.html_pairs, max_pixels=options.max_pixels, progress=progress, command_line=tuple(sys.argv),
                                 workers=options.workers)
    except OutputError as exc:
        _fail(ExitCode.USAGE, str(exc))
    if not quiet and STDOUT not in (request.json_path, request.csv_path):
        render.print_scan(stdout, result)


@app.command()
def video(
    video_path: Annotated[str, typer.Argument(metavar="VIDEO", help="A video file, or a folder of videos.")],
    against: Annotated[
        list[str], typer.Option("--against", metavar="FOLDER_OR_PICTURE", help="The portfolio: pictures or folders (repeatable).")
    ],
    json_path: Annotated[str | None, typer.Option("--json", metavar="PATH", help="Write the JSON result ('-' = stdout).")] = None,
    html_path: Annotated[
        str | None, typer.Option("--html", metavar="PATH", help="Write the self-contained HTML exhibit.")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Parallel worker processes (default: all cores).")] = None,
    cache: Annotated[
        str | None, typer.Option("--cache", metavar="PATH", help="Feature cache (SQLite, shared with scan); default: the user cache folder."),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Keep nothing between runs.")] = False,
    no_regions: Annotated[
        bool, typer.Option("--no-regions", help="Leave the portrait models out of each span's comparison (faster; no named regions).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on the terminal.")] = False,
    max_pixels: MaxPixels = DEFAULT_MAX_PIXELS,
) -> None:
    """Find the spans of VIDEO whose frames derive from a picture of the portfolio (--against)."""
    import sqlite3  # the cache's own errors (imported here: compare never needs it)

    from .report import video_render
    from .report.progress import scan_progress
    from .scan.cache import CacheError
    from .video import VideoError, VideoOptions, run_videos

    _started()

    outputs = [("--json", json_path), ("--html", html_path)]
    _check_outputs(outputs, [video_path, *against])
    if html_path == STDOUT:
        _fail(ExitCode.USAGE, "--html writes a file; '-' (stdout) is for --json only")
    for folder in against:
        if not os.path.exists(folder):
            _fail(ExitCode.USAGE, f"--against {folder}: no such file or folder")
    cache_path = _cache_path(cache, no_cache)
    _refuse_writes_into(against, outputs + [("--cache", cache_path)])
    _refuse_writes_into([video_path], outputs + [("--cache", cache_path)], what="video")
    options = VideoOptions(video=video_path, against=tuple(against), workers=workers or os.cpu_count() or 1,
                           cache_path=cache_path, max_pixels=max_pixels, regions=not no_regions,
                           command_line=tuple(sys.argv))
    try:
        with scan_progress(stderr, enabled=not quiet and stderr.is_terminal) as progress:
            run = run_videos(options, progress)
    except VideoError as exc:
        _fail(ExitCode.UNREADABLE_INPUT, str(exc))
    except (CacheError, sqlite3.Error) as exc:
        _fail(ExitCode.USAGE, f"--cache {cache_path}: cannot be used ({exc})")
    for warning in run.warnings:
        _say(f"simforensics: warning: {warning}")
    try:
        video_render.write_video_outputs(run, json_path, html_path)
    except OutputError as exc:
        _fail(ExitCode.USAGE, str(exc))
    if not quiet and json_path != STDOUT:
        video_render.print_video_run(stdout, run)


@app.command()
def trace(
    picture: Annotated[str, typer.Argument(help="The picture whose areas are traced (a collage, a pieced-together picture).")],
    against: Annotated[str, typer.Option("--against", metavar="FOLDER", help="The portfolio: pictures the areas may come from.")],
    json_path: Annotated[str | None, typer.Option("--json", metavar="PATH", help="Write the JSON result ('-' = stdout).")] = None,
    html_path: Annotated[str | None, typer.Option("--html", metavar="PATH", help="Write the self-contained HTML exhibit.")] = None,
    map_path: Annotated[
        str | None, typer.Option("--map", metavar="PATH", help="Write the source map PNG (0 unexplained, k the k-th source).")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Processes that read the portfolio (default: all cores).")] = None,
    cache: Annotated[
        str | None, typer.Option("--cache", metavar="PATH", help="Feature cache (SQLite, shared with scan); default: the user cache folder.")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Keep nothing between runs.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on the terminal.")] = False,
    max_pixels: MaxPixels = DEFAULT_MAX_PIXELS,
) -> None:
    """Find which areas of PICTURE came from which pictures under --against FOLDER."""
    import sqlite3  # the cache's own errors (imported here: compare never needs it)

    from .report.progress import scan_progress
    from .report.trace_render import print_trace, write_trace_outputs
    from .scan.cache import CacheError
    from .trace import TraceOptions, trace_picture

    _started()

    outputs = [("--json", json_path), ("--html", html_path), ("--map", map_path)]
    _check_outputs(outputs, [picture])
    for option, path in outputs[1:]:
        if path == STDOUT:
            _fail(ExitCode.USAGE, f"{option} writes a file; '-' (stdout) is for --json only")
    if not os.path.isdir(against):
        _fail(ExitCode.USAGE, f"--against {against}: not a folder")
    cache_path = _cache_path(cache, no_cache)
    _refuse_writes_into([against, picture], outputs + [("--cache", cache_path)])
    options = TraceOptions(picture=picture, folder=against, workers=workers or os.cpu_count() or 1,
                           cache_path=cache_path, max_pixels=max_pixels)
    try:
        # Reading a new portfolio takes a while (about 0.1 s a picture per worker): show it.
        with scan_progress(stderr, enabled=not quiet and stderr.is_terminal) as progress:
            progress.stage("reading the portfolio (new or changed pictures)", None)
            result = trace_picture(options, advance=progress.advance)
    except EvidenceError as exc:
        _fail(ExitCode.UNREADABLE_INPUT, str(exc))
    except (CacheError, sqlite3.Error) as exc:
        _fail(ExitCode.USAGE, f"--cache {cache_path}: cannot be used ({exc})")
    try:
        write_trace_outputs(result, json_path=json_path, html_path=html_path, map_path=map_path,
                            command_line=shlex.join(["simforensics", *sys.argv[1:]]))
    except OutputError as exc:
        _fail(ExitCode.USAGE, str(exc))
    if not quiet and json_path != STDOUT:
        print_trace(stdout, result)


@app.command()
def demo(
    out: Annotated[str, typer.Option("--out", metavar="DIR", help="Folder for the example pair and its reports.")] = "simforensics-demo",
) -> None:
    """Build an original/redrawn example pair from a portrait that ships with scikit-image, and compare it."""
    from .demo import write_demo_pair

    _started()

    try:
        original, copy = write_demo_pair(out)
    except OSError as exc:
        _fail(ExitCode.USAGE, f"--out {out}: cannot write the example pair ({exc.strerror or exc})")
    stdout.print(f"Example pair written: {original} (original), {copy} (copy with a redrawn area)", markup=False)
    report = os.path.join(out, "report")
    compare(original, copy, json_path=report + ".json", html_path=report + ".html", pdf_path=None,
            mask_path=report + "-mask.png", region=[], regions_file=None, quiet=False, max_pixels=DEFAULT_MAX_PIXELS,
            reference=None)
    stdout.print(f"Reports written: {report}.html (open it in a browser), {report}.json, {report}-mask.png", markup=False)


def main() -> None:
    """Console-script entry point: no traceback reaches the user unless --debug is given."""
    gc.disable()  # until the command's modules are loaded (_started)
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        raise SystemExit(130) from None
    except Exception as exc:
        if "--debug" in sys.argv[1:]:
            raise
        stderr.print(
            f"simforensics: internal error: {type(exc).__name__}: {exc} (run again as `simforensics --debug ...` for details)",
            markup=False,
        )
        raise SystemExit(int(ExitCode.INTERNAL_ERROR)) from None
