"""Write each requested output of ``simforensics video``, and print its terminal view."""

from __future__ import annotations

import sys

from rich.console import Console

from ..outputs import STDOUT, write_atomically
from ..video import VideoRun
from . import video_html, video_json, video_terminal

__all__ = ["print_video_run", "write_video_outputs"]


def write_video_outputs(run: VideoRun, json_path: str | None, html_path: str | None) -> None:
    if json_path is not None:
        text = video_json.dumps(video_json.video_run_document(run))
        if json_path == STDOUT:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomically(json_path, text.encode("utf-8"))
    if html_path is not None:
        write_atomically(html_path, video_html.video_html(run).encode("utf-8"))


def print_video_run(console: Console, run: VideoRun) -> None:
    video_terminal.print_video_run(console, run)
