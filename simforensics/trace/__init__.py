"""Trace: which areas of a picture came from which pictures of a portfolio.

``retrieve`` proposes candidate sources from the portfolio's cached scan features, ``fit`` finds
every piece of a source by repeated robust fitting, ``explain`` keeps a piece only where the warped
source explains the picture's pixels, ``attribute`` gives each pixel one source, and ``engine``
runs it all into one ``Trace``.
"""

from .engine import trace_picture
from .model import Piece, Trace, TracedSource, TraceOptions

__all__ = ["Piece", "Trace", "TraceOptions", "TracedSource", "trace_picture"]
