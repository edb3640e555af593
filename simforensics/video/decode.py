"""Read a video as evidence with PyAV: identity, exact timestamps, sampled frames, seeking.

One pass decodes every frame (a P-frame cannot be decoded without its predecessors) and keeps:
for every frame its presentation time (the stream's own PTS, in seconds) and a tiny luma
thumbnail for cut detection, taken straight from the decoder's Y plane (no conversion); for the
sampled frames (every keyframe, and the first frame at or after each tick of a clock running at
``VIDEO_SAMPLE_FPS``) the grey picture for matching and a small colour thumbnail for the report.
Frames are found again later by seeking to the keyframe before them and decoding forward.

An animation FFmpeg cannot read whole is read by Pillow instead, frame by frame with each
frame's duration (``_pillow_animation``). A file that is not a decodable video raises
``VideoError`` (an ``EvidenceError``: one line). FFmpeg's own log stays off stderr (PyAV leaves
it disabled).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

import av
import cv2
import numpy as np
import PIL
from PIL import Image

from .. import thresholds as T
from ..errors import EvidenceError
from ..evidence import to_rgb8
from ..resample import shrink_to_side

__all__ = [
    "THUMBNAILS", "DecodedVideo", "Sample", "VideoError", "VideoInfo", "check_video", "decode_video", "decoder_name",
    "file_sha256", "frames_at",
]

# Luma thumbnail for cut detection: the Y plane read every CUT_STRIDE-th pixel of a frame scaled
# to about this width (no filtering: it only has to change when the picture does).
_CUT_WIDTH = 64
# The colour thumbnails of the report's timeline strip: this wide, about this many per video.
THUMBNAIL_WIDTH = 160
THUMBNAILS = 24


class VideoError(EvidenceError):
    """A file that cannot be decoded as a video (missing, empty, not a video, truncated, unknown codec)."""


@dataclass(frozen=True)
class VideoInfo:
    path: str  # as given
    sha256: str
    file_size: int
    container: str  # FFmpeg's demuxer name(s)
    codec: str  # the decoder FFmpeg used
    width: int
    height: int
    fps: float  # the stream's average frame rate
    duration_s: float  # from the first frame's presentation time to the end of the last frame
    frames: int  # frames decoded
    declared_frames: int  # what the container says (0 when it does not say)
    keyframes: int


@dataclass(frozen=True)
class Sample:
    """A frame chosen for matching."""

    index: int  # frame number in presentation order, from 0
    time_s: float  # presentation time, seconds from the first frame
    keyframe: bool
    grey: np.ndarray = field(repr=False, compare=False)  # longest side VIDEO_FRAME_SIDE
    # RGB, THUMBNAIL_WIDTH wide; kept for about THUMBNAILS samples spread over the video only
    thumbnail: np.ndarray | None = field(repr=False, compare=False)


@dataclass(frozen=True)
class DecodedVideo:
    info: VideoInfo
    times: np.ndarray = field(repr=False)  # float64 presentation time of every frame, seconds from the first
    pts: np.ndarray = field(repr=False)  # int64 raw PTS of every frame (for seeking)
    cut_scores: np.ndarray = field(repr=False)  # float32, [i]: luma change from frame i-1 to i (0 for frame 0)
    samples: tuple[Sample, ...]
    decoder: str  # the software that decoded it (``decoder_name``, or Pillow's), for the report


def decoder_name() -> str:
    """The decoding software, for the report (PyAV and the FFmpeg inside it)."""
    codec = av.library_versions.get("libavcodec", ())
    return f"PyAV {av.__version__} (libavcodec {'.'.join(str(v) for v in codec)})"


@dataclass(frozen=True)
class _Frame:
    """One decoded frame, from FFmpeg or from Pillow."""

    pts: int | None  # in the stream's time base
    duration: int  # in the stream's time base; 0 when not said
    keyframe: bool
    luma: np.ndarray = field(repr=False)  # full size
    studio_range: bool  # luma in 16-235 (``_in_studio_range``)
    rgb: Callable[[], np.ndarray] = field(repr=False)  # the frame in colour, as displayed


@dataclass(frozen=True)
class _Stream:
    """What ``decode_video`` needs of a video, whichever library reads it."""

    frames: Iterator[_Frame]
    time_base: Fraction
    declared_s: float  # the length the file declares, 0 when it does not
    declared_frames: int
    rate: float  # the declared average frame rate, 0 when not declared
    container: str
    codec: str
    decoder: str


# Animations FFmpeg cannot read whole: it has no decoder for animated WebP, reads only the first
# picture of an AVIF sequence, and one frame of a GIF without frame timing (GIF87a, or no graphic
# control extension). Pillow reads them with each frame's duration, in milliseconds.
_PILLOW_ANIMATIONS = ("WEBP", "AVIF", "GIF")
_UNTIMED_FRAME_MS = 100  # a frame that states no duration (or 0): as browsers show it


def _animation_declared(path: str) -> str | None:
    """"WebP" or "AVIF" when the file's header says it is an animation of that kind."""
    with open(path, "rb") as handle:
        head = handle.read(64)
    if head[:4] == b"RIFF" and head[8:16] == b"WEBPVP8X" and len(head) > 20 and head[20] & 0x02:
        return "WebP"  # the extended header's animation flag
    if head[4:8] == b"ftyp" and b"avis" in head[8:int.from_bytes(head[:4], "big")]:
        return "AVIF"  # an image sequence's brand
    return None


def _pillow_animation(path: str) -> Image.Image | None:
    """``path`` opened by Pillow when it is an animation FFmpeg cannot read whole, else None.
    Raises ``VideoError`` for an animation Pillow cannot open: FFmpeg would read one picture of it
    (an AVIF sequence cut short) or call it still, and say nothing of the rest."""
    try:
        image = Image.open(path, formats=_PILLOW_ANIMATIONS)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        kind = _animation_declared(path)
        if kind is not None:
            raise VideoError(path, f"an animated {kind} that cannot be decoded: truncated or damaged") from None
        return None
    untimed_gif = image.format == "GIF" and "duration" not in image.info
    try:
        frames = getattr(image, "n_frames", 1)  # a GIF's frames are counted by reading them
    except (OSError, ValueError, SyntaxError, EOFError):
        frames = 2  # damaged after its first frame: decoding says so
    if frames > 1 and (image.format != "GIF" or untimed_gif):
        return image
    image.close()
    return None


def _pillow_frames(image: Image.Image) -> Iterator[_Frame]:
    start = 0
    for index in range(image.n_frames):
        image.seek(index)
        image.load()  # sets this frame's duration
        rgb = to_rgb8(image, None, [])[0]  # transparency on white, as still pictures are
        duration = int(image.info.get("duration") or 0) or _UNTIMED_FRAME_MS
        yield _Frame(start, duration, True, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), False, lambda rgb=rgb: rgb)
        start += duration


def _pillow_stream(image: Image.Image) -> _Stream:
    kind = image.format.lower()
    return _Stream(_pillow_frames(image), Fraction(1, 1000), 0.0, image.n_frames, 0.0, kind, f"{kind} animation",
                   f"Pillow {PIL.__version__}")


def _ffmpeg_frames(container: av.container.InputContainer, stream: av.VideoStream) -> Iterator[_Frame]:
    aspect = _pixel_aspect(stream)
    for frame in container.decode(stream):
        yield _Frame(frame.pts, frame.duration or 0, bool(frame.key_frame), _luma(frame, aspect),
                     _in_studio_range(frame), lambda frame=frame: _rgb(frame, aspect))


def _ffmpeg_stream(container: av.container.InputContainer) -> _Stream:
    stream = _video_stream(container)
    stream.thread_type = "AUTO"  # FFmpeg's frame threads: decoding is most of a video's cost
    time_base = stream.time_base or Fraction(1, 90000)
    # The length the file declares for the video: the stream's own, else (Matroska/WebM give
    # none) the container's when the video is its only stream (else it may be the audio's).
    declared_s = (float(stream.duration * time_base) if stream.duration else
                  (container.duration or 0) / 1e6 if len(container.streams) == 1 else 0.0)
    return _Stream(_ffmpeg_frames(container, stream), time_base, declared_s, int(stream.frames or 0),
                   float(stream.average_rate) if stream.average_rate else 0.0, container.format.name,
                   stream.codec_context.name, decoder_name())


def file_sha256(path: str) -> tuple[str, int]:
    """SHA-256 and size of a regular file, read once in blocks (videos can be large)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _check_file(path: str) -> None:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise VideoError(path, f"cannot open: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise VideoError(path, "is a folder, not a video file")
    if not stat.S_ISREG(st.st_mode):
        raise VideoError(path, "not a regular file (FIFO, socket or device); not opened")
    if st.st_size == 0:
        raise VideoError(path, "empty file (0 bytes)")


def _ffmpeg_reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).split(":")[0].strip() or type(exc).__name__


def check_video(path: str) -> None:
    """Raises ``VideoError`` unless ``path`` is a video (or an animation) that can be opened."""
    _check_file(path)
    animation = _pillow_animation(path)
    if animation is not None:
        animation.close()
        return
    open_video(path).close()


def open_video(path: str) -> av.container.InputContainer:
    """The container, read-only, with a decodable video stream; raises ``VideoError``."""
    _check_file(path)
    try:
        container = av.open(path, mode="r")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise VideoError(path, f"not a readable video ({_ffmpeg_reason(exc)})") from None
    if not container.streams.video:
        container.close()
        raise VideoError(path, "no video stream in the file")
    if container.format.name == "image2" or container.format.name.endswith("_pipe"):
        container.close()
        raise VideoError(path, "a still picture, not a video")
    stream = _video_stream(container)
    if stream.codec_context is None or not stream.codec_context.name:
        container.close()
        raise VideoError(path, "the video stream's codec is unknown to FFmpeg")
    return container


def _video_stream(container: av.container.InputContainer) -> av.VideoStream:
    """The file's video, as FFmpeg chooses it (``av_find_best_stream``): not the first video stream
    when that is a cover picture or a thumbnail (a 1-frame stream before the clip was read as the
    whole video, and the clip itself never)."""
    return container.streams.best("video") or container.streams.video[0]


def _pixel_aspect(stream: av.VideoStream) -> float:
    """How much wider than tall a stored pixel is shown: the stream's sample aspect ratio (1 for
    square pixels; 4/3 for HDV's 1440 x 1080 shown 1920 x 1080, 32/27 for a wide DVD)."""
    ratio = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio
    return float(ratio) if ratio and ratio > 0 else 1.0


def _as_displayed(pixels: np.ndarray, frame: av.VideoFrame, aspect: float) -> np.ndarray:
    """``pixels`` of ``frame`` as players show them: stretched to square pixels (the picture of an
    anamorphic clip, squeezed as stored, matched nothing), and turned by the display rotation (a
    phone stores a portrait clip on its side: read as stored, it was "rotated by 90 degrees")."""
    if abs(aspect - 1.0) > 1e-3:
        height, width = pixels.shape[:2]
        pixels = cv2.resize(pixels, (max(1, round(width * aspect)), height),
                            interpolation=cv2.INTER_AREA if aspect < 1 else cv2.INTER_LINEAR)
    turns = round((frame.rotation or 0) / 90) % 4  # FFmpeg's angle is counter-clockwise, as np.rot90's
    return pixels if turns == 0 else np.ascontiguousarray(np.rot90(pixels, turns))


def _luma(frame: av.VideoFrame, aspect: float) -> np.ndarray:
    """The frame's Y plane as a strided view (yuv formats), else a grey conversion; as displayed."""
    name = frame.format.name
    shown = frame
    if name.startswith(("yuv", "gray")) and frame.format.components[0].bits > 8:
        # 10-bit HEVC (a phone's HDR clip), 12- or 16-bit: two bytes a sample, read as one they
        # matched nothing. Reduced to 8 bits with the range kept (grey is full range already).
        shown = frame.reformat(format="gray" if name.startswith("gray") else "yuv420p")
    if shown.format.name.startswith(("yuv", "yuvj", "nv12", "gray")) and shown.planes:
        plane = shown.planes[0]
        rows = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)
        return _as_displayed(rows[: shown.height, : shown.width], frame, aspect)
    return _as_displayed(shown.to_ndarray(format="gray"), frame, aspect)


def _cut_thumbnail(luma: np.ndarray) -> np.ndarray:
    step = max(1, luma.shape[1] // _CUT_WIDTH)
    return luma[::step, ::step].astype(np.int16)


def _rgb(frame: av.VideoFrame, aspect: float) -> np.ndarray:
    return _as_displayed(frame.to_ndarray(format="rgb24"), frame, aspect)


# Studio-range luma (16-235) to the full range (0-255), level by level.
_FULL_RANGE = np.clip(np.round((np.arange(256) - 16) * 255 / 219), 0, 255).astype(np.uint8)
_FULL_RANGE_FLAG = 2  # FFmpeg's AVCOL_RANGE_JPEG: a frame flagged full range


def _in_studio_range(frame: av.VideoFrame) -> bool:
    """Whether the frame's luma spans 16-235: a YUV frame not flagged full range (H.264's default,
    and FFmpeg's reading of a stream that says nothing; the yuvj formats are full range)."""
    name = frame.format.name
    return name.startswith(("yuv", "nv12")) and not name.startswith("yuvj") and frame.color_range != _FULL_RANGE_FLAG


def _grey_for_matching(luma: np.ndarray, studio_range: bool) -> np.ndarray:
    """The frame's grey for SIFT, in the full range as the portfolio's pictures are: studio-range
    luma holds 86 % of the contrast, and SIFT's contrast threshold then drops the weak corners of
    a soft picture (a micrograph zoomed into: 12 inliers against its picture, 28 in full range)."""
    if studio_range:
        luma = _FULL_RANGE[luma]
    return np.ascontiguousarray(shrink_to_side(luma, T.VIDEO_FRAME_SIDE))


def _thumbnail(rgb: np.ndarray) -> np.ndarray:
    height = max(1, round(rgb.shape[0] * THUMBNAIL_WIDTH / rgb.shape[1]))
    return cv2.resize(rgb, (THUMBNAIL_WIDTH, height), interpolation=cv2.INTER_AREA)


# What a damaged file raises while its frames are read: FFmpeg's errors, Pillow's.
_DECODING_ERRORS = (av.FFmpegError, OSError, ValueError, EOFError, SyntaxError)


def decode_video(path: str, *, sample_fps: float = T.VIDEO_SAMPLE_FPS) -> DecodedVideo:
    """Decode every frame of ``path`` once; raises ``VideoError`` when it cannot be decoded whole."""
    sha256, size = file_sha256(path) if os.path.isfile(path) else ("", 0)
    _check_file(path)
    animation = _pillow_animation(path)
    if animation is not None:
        with animation:
            return _decode(path, sha256, size, _pillow_stream(animation), sample_fps)
    container = open_video(path)
    try:
        return _decode(path, sha256, size, _ffmpeg_stream(container), sample_fps)
    finally:
        container.close()


def _decode(path: str, sha256: str, size: int, stream: _Stream, sample_fps: float) -> DecodedVideo:
    time_base = stream.time_base
    raw_pts: list[int] = []
    cut_scores: list[float] = []
    samples: list[Sample] = []
    keyframes = 0
    previous: np.ndarray | None = None
    next_tick = next_thumbnail = 0.0
    declared_s = stream.declared_s
    thumbnail_step = max(declared_s / THUMBNAILS, 1.0 / sample_fps)
    first: int | None = None
    last_duration = 0
    width = height = 0
    try:
        for number, frame in enumerate(stream.frames):
            pts = frame.pts if frame.pts is not None else (raw_pts[-1] + 1 if raw_pts else 0)
            if first is None:
                first = pts
            time_s = float((pts - first) * time_base)
            raw_pts.append(pts)
            last_duration = frame.duration
            height, width = frame.luma.shape[:2]
            small = _cut_thumbnail(frame.luma)
            cut_scores.append(0.0 if previous is None or previous.shape != small.shape
                              else float(np.abs(small - previous).mean()))
            previous = small
            keyframes += frame.keyframe
            if frame.keyframe or time_s >= next_tick - 1e-9:
                thumbnail = None
                if time_s >= next_thumbnail - 1e-9:
                    thumbnail = _thumbnail(frame.rgb())
                    next_thumbnail = time_s + thumbnail_step
                grey = _grey_for_matching(frame.luma, frame.studio_range)
                samples.append(Sample(number, time_s, frame.keyframe, grey, thumbnail))
                while next_tick <= time_s + 1e-9:
                    next_tick += 1.0 / sample_fps
    except _DECODING_ERRORS as exc:
        raise VideoError(path, f"the video data cannot be decoded ({_ffmpeg_reason(exc)})") from None
    if not raw_pts:
        raise VideoError(path, "no frame could be decoded")
    declared = stream.declared_frames
    # A file cut short still opens when its index comes first: FFmpeg then stops early without
    # an error. Fewer frames than the container lists means the rest is missing.
    if declared and len(raw_pts) < declared * T.VIDEO_MIN_DECODED_SHARE:
        raise VideoError(path, f"truncated video data: {len(raw_pts)} of the {declared} frames the file lists could be decoded")
    decoded_s = float((max(raw_pts) - min(raw_pts) + last_duration) * time_base)
    if declared_s and decoded_s < declared_s * T.VIDEO_MIN_DECODED_SHARE:
        raise VideoError(path, f"truncated video data: {decoded_s:.2f} s of the {declared_s:.2f} s the file declares "
                               "could be decoded")
    pts = np.array(raw_pts, np.int64)
    order = np.argsort(pts, kind="stable")  # presentation order (decoders already give it)
    pts = pts[order]
    times = (pts - pts[0]).astype(np.float64) * float(time_base)
    rate = stream.rate or ((len(pts) - 1) / times[-1] if times[-1] > 0 else 0.0)
    frame_s = float(last_duration * time_base) if last_duration else (1.0 / rate if rate else 0.0)
    info = VideoInfo(
        path=path, sha256=sha256, file_size=size, container=stream.container, codec=stream.codec, width=width,
        height=height, fps=round(rate, 6), duration_s=round(float(times[-1]) + frame_s, 6), frames=len(pts),
        declared_frames=declared, keyframes=keyframes,
    )
    return DecodedVideo(info=info, times=times, pts=pts, cut_scores=np.array(cut_scores, np.float32)[order],
                        samples=tuple(samples), decoder=stream.decoder)


def frames_at(path: str, pts_from: int, pts_to: int, *, colour: bool = False) -> Iterator[tuple[int, np.ndarray]]:
    """(PTS, picture) of every frame whose PTS lies in [pts_from, pts_to], found by seeking to the
    keyframe at or before ``pts_from`` and decoding forward. The picture is the grey frame reduced
    for matching, or the full-size RGB frame with ``colour``."""
    animation = _pillow_animation(path)
    if animation is not None:
        with animation:
            try:
                for frame in _pillow_frames(animation):  # every frame is whole: no seeking needed
                    if frame.pts > pts_to:
                        break
                    if frame.pts >= pts_from:
                        yield frame.pts, (frame.rgb() if colour else _grey_for_matching(frame.luma, False))
            except _DECODING_ERRORS as exc:
                raise VideoError(path, f"the animation cannot be decoded again ({exc})") from None
        return
    container = open_video(path)
    try:
        stream = _video_stream(container)
        stream.thread_type = "AUTO"
        aspect = _pixel_aspect(stream)
        container.seek(int(pts_from), stream=stream, backward=True, any_frame=False)
        for frame in container.decode(stream):
            if frame.pts is None or frame.pts < pts_from:
                continue
            if frame.pts > pts_to:
                break
            yield int(frame.pts), (_rgb(frame, aspect) if colour else
                                   _grey_for_matching(_luma(frame, aspect), _in_studio_range(frame)))
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise VideoError(path, f"the video data cannot be decoded when seeking ({_ffmpeg_reason(exc)})") from None
    finally:
        container.close()
