"""The terminal view of a ``simforensics video`` run (Rich), rendered from the result model."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..video import Span, VideoMatch, VideoRun
from .words import counted, shown_name

__all__ = ["print_video_run"]


def _clock(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60.0)
    return f"{int(minutes)}:{rest:06.3f}"


def _video(console: Console, v: VideoMatch, pictures: int) -> None:
    i = v.info
    console.print(
        f"[bold]{escape(shown_name(i.path))}[/]: {i.width} x {i.height}, {i.duration_s:.3f} s at {i.fps:g} fps, {counted(i.frames, 'frame')} "
        f"({i.codec}, {counted(i.keyframes, 'keyframe')}), {counted(v.samples, 'frame')} matched "
        f"({v.sample_fps:g} per second and every keyframe), {counted(len(v.cuts), 'cut')}; "
        f"SHA-256 {i.sha256}"
    )
    if not v.matches:
        console.print(f"  no span of this video derives from any of the {counted(pictures, 'picture')} of the portfolio")
        return
    # Each cell's parts on lines of their own, so that an 80-column terminal folds only the
    # picture's path (seven single-line columns were cut mid-word: "near-duplic / ate").
    table = Table(title_justify="left", show_lines=False)
    table.add_column("#")
    table.add_column("picture", overflow="fold", ratio=1)
    for column in ("span", "best frame", "label", "motion"):
        table.add_column(column, no_wrap=True)
    summaries = []
    for m in v.matches:
        for n, s in enumerate(m.spans):
            summaries.append(s.summary + _departure(s))
            table.add_row(str(len(summaries)), escape(shown_name(m.picture)) if n == 0 else "",
                          f"{_clock(s.start_s)}-{_clock(s.end_s)}\nframes {s.start_frame}-{s.end_frame}",
                          f"{_clock(s.best_s)}\nframe {s.best_frame}", f"{s.label.value}\nsimilarity {s.similarity:.3f}",
                          s.motion + ("\nmirrored" if s.mirrored else "")
                          + ("\nchanges" if s.furthest is not None and s.furthest.departs else ""))
    console.print(table)
    for number, summary in enumerate(summaries, start=1):
        console.print(f"  {number}. best frame: {escape(summary)}")


def _departure(span: Span) -> str:
    """The furthest frame's finding, when the clip does not keep the picture as it is."""
    f = span.furthest
    if f is None or not f.departs:
        return ""
    return (f" The picture itself changes in the span: its furthest frame, {_clock(f.time_s)} (frame {f.frame}), is "
            f"{f.label.value} against it ({f.changed_fraction:.0%} of the compared area changed).")


def print_video_run(console: Console, run: VideoRun) -> None:
    console.print(f"Portfolio: {counted(run.pictures, 'picture')} ({run.from_cache} from the cache) under "
                  f"{escape(', '.join(shown_name(folder) for folder in run.portfolio))}")
    for v in run.videos:
        _video(console, v, run.pictures)
    for path, reason in run.errors[:20]:
        console.print(f"skipped {escape(shown_name(path))}: {escape(reason)}")
    if len(run.errors) > 20:
        console.print(f"... and {len(run.errors) - 20} more skipped files")
