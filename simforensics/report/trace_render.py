"""Write each requested output of a trace (JSON, map PNG, HTML) and print its terminal view."""

from __future__ import annotations

import io
import sys

from PIL import Image

from ..outputs import STDOUT, write_atomically
from ..trace import Trace
from . import json_report
from .trace_json import trace_document
from .trace_terminal import print_trace

__all__ = ["print_trace", "write_trace_outputs"]


def write_trace_outputs(trace: Trace, *, json_path: str | None, html_path: str | None, map_path: str | None,
                        command_line: str | None = None) -> None:
    if json_path == STDOUT:
        sys.stdout.write(json_report.dumps(trace_document(trace)))
        sys.stdout.flush()
    elif json_path is not None:
        write_atomically(json_path, json_report.dumps(trace_document(trace)).encode("utf-8"))
    if map_path is not None:
        buffer = io.BytesIO()
        Image.fromarray(trace.source_map, mode="L").save(buffer, "PNG")
        write_atomically(map_path, buffer.getvalue())
    if html_path is not None:
        # Jinja2 and the pictures only when asked for.
        from .trace_html import trace_html

        write_atomically(html_path, trace_html(trace, command_line=command_line).encode("utf-8"))
