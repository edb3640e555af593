"""NovelAI and InvokeAI generation records (PNG text chunks).

NovelAI: ``Software`` = "NovelAI", ``Description`` = prompt, ``Comment`` = JSON settings (``uc`` is
the negative prompt), ``Source`` = model name and hash. InvokeAI: ``invokeai_metadata`` (JSON,
3.x and later), ``sd-metadata`` (JSON, 2.x) or ``Dream`` (a command line, 1.x).
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Callable
from typing import Any

from .limits import A1111_MAX_CHARS
from .model import GenerationRecord, Lora
from .text import as_text, clip
from .values import load_json, number_text, scalar

__all__ = ["parse_invokeai", "parse_novelai"]

_NOVELAI_SOURCE = re.compile(r"^(.*?)\s+([0-9A-Fa-f]{8})$")


def _getter(mapping: dict[str, Any], where: str, notes: list[str]) -> Callable[[str], str | None]:
    """``get(key)``: one setting of a JSON object as text, with a note when its type is wrong."""

    def get(key: str) -> str | None:
        return scalar(mapping.get(key), f"{where}: '{key}'", notes)

    return get


def _size(width: str | None, height: str | None) -> str | None:
    return f"{width}x{height}" if width and height else None


def _text_tuple(value: str | None) -> tuple[str, ...]:
    return (clip(value)[0],) if value else ()


def _rest(settings: dict[str, Any], used: set[str], where: str, notes: list[str]) -> tuple[tuple[str, str], ...]:
    rest = []
    for key, value in settings.items():
        if key in used:
            continue
        text = scalar(value, f"{where}: '{as_text(key, 64)}'", []) if not isinstance(value, (dict, list)) else as_text(value)
        if text is not None:
            rest.append((as_text(key, 64), text))
    return tuple(rest)


def parse_novelai(chunks: dict[str, str], notes: list[str]) -> GenerationRecord | None:
    where = "PNG text 'Comment' (NovelAI)"
    settings = load_json(chunks.get("Comment", ""), where, notes) if "Comment" in chunks else None
    if settings is not None and not isinstance(settings, dict):
        notes.append(f"{where}: settings are a {type(settings).__name__}, not a JSON object; ignored")
        settings = None
    settings = settings or {}
    get = _getter(settings, where, notes)
    prompt = chunks.get("Description") or get("prompt")
    source = chunks.get("Source", "")
    match = _NOVELAI_SOURCE.match(source.strip())
    model, model_hash = (match.group(1), match.group(2)) if match else (source.strip() or None, None)
    used = {"prompt", "uc", "seed", "steps", "scale", "sampler", "width", "height"}
    return GenerationRecord(
        generator="NovelAI",
        found_in="PNG text 'Description' / 'Comment'",
        prompts=_text_tuple(prompt),
        negative_prompts=_text_tuple(get("uc")),
        seeds=tuple(s for s in [number_text(get("seed"), f"{where}: seed", notes, whole=True)] if s),
        steps=get("steps"),
        sampler=get("sampler"),
        cfg_scale=get("scale"),
        size=_size(get("width"), get("height")),
        models=(model,) if model else (),
        model_hashes=(model_hash,) if model_hash else (),
        settings=_rest(settings, used, where, notes),
    )


def _invoke_model(value: Any, where: str, notes: list[str]) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        name = scalar(value.get("name") or value.get("model_name"), f"{where}: model name", notes)
        return name, scalar(value.get("hash"), f"{where}: model hash", notes)
    return scalar(value, f"{where}: model", notes), None


def _invoke_loras(value: Any, where: str, notes: list[str]) -> tuple[Lora, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        notes.append(f"{where}: 'loras' is not a list; ignored")
        return ()
    loras = []
    for item in value:
        if not isinstance(item, dict):
            continue
        model = item.get("model") if isinstance(item.get("model"), dict) else item.get("lora")
        name, digest = _invoke_model(model, where + " LoRA", notes)
        if name:
            loras.append(Lora(name=name, weight=scalar(item.get("weight"), f"{where}: LoRA weight", notes), hash=digest))
    return tuple(loras)


def _parse_invokeai_metadata(text: str, notes: list[str]) -> GenerationRecord | None:
    where = "PNG text 'invokeai_metadata'"
    data = load_json(text, where, notes)
    if not isinstance(data, dict):
        if data is not None:
            notes.append(f"{where}: a {type(data).__name__}, not a JSON object; ignored")
        return None
    get = _getter(data, where, notes)
    model, model_hash = _invoke_model(data.get("model"), where, notes)
    used = {"positive_prompt", "negative_prompt", "seed", "steps", "cfg_scale", "scheduler", "width", "height", "model", "loras", "app_version"}
    return GenerationRecord(
        generator="InvokeAI",
        found_in=where,
        prompts=_text_tuple(get("positive_prompt")),
        negative_prompts=_text_tuple(get("negative_prompt")),
        seeds=tuple(s for s in [number_text(get("seed"), f"{where}: seed", notes, whole=True)] if s),
        steps=get("steps"),
        sampler=get("scheduler"),
        cfg_scale=get("cfg_scale"),
        size=_size(get("width"), get("height")),
        models=(model,) if model else (),
        model_hashes=(model_hash,) if model_hash else (),
        loras=_invoke_loras(data.get("loras"), where, notes),
        version=get("app_version"),
        settings=_rest(data, used, where, notes),
    )


def _parse_sd_metadata(text: str, notes: list[str]) -> GenerationRecord | None:
    where = "PNG text 'sd-metadata'"
    data = load_json(text, where, notes)
    if not isinstance(data, dict):
        if data is not None:
            notes.append(f"{where}: a {type(data).__name__}, not a JSON object; ignored")
        return None
    image = data.get("image") if isinstance(data.get("image"), dict) else {}
    get = _getter(image, f"{where}: image", notes)
    raw_prompt = image.get("prompt")
    if isinstance(raw_prompt, list):  # [{"prompt": "...", "weight": 1.0}, ...]
        prompts = tuple(clip(p["prompt"])[0] for p in raw_prompt if isinstance(p, dict) and isinstance(p.get("prompt"), str))
    else:
        prompts = _text_tuple(scalar(raw_prompt, f"{where}: prompt", notes))
    model = scalar(data.get("model_weights"), f"{where}: model_weights", notes)
    model_hash = scalar(data.get("model_hash"), f"{where}: model_hash", notes)
    return GenerationRecord(
        generator="InvokeAI",
        found_in=where,
        prompts=prompts,
        seeds=tuple(s for s in [number_text(get("seed"), f"{where}: seed", notes, whole=True)] if s),
        steps=get("steps"),
        sampler=get("sampler"),
        cfg_scale=get("cfg_scale"),
        size=_size(get("width"), get("height")),
        models=(model,) if model else (),
        model_hashes=(model_hash,) if model_hash else (),
        version=scalar(data.get("app_version"), f"{where}: app_version", notes),
    )


_DREAM_OPTIONS = {"-S": "seed", "-s": "steps", "-C": "cfg", "-A": "sampler", "-W": "width", "-H": "height"}


def _parse_dream(text: str, notes: list[str]) -> GenerationRecord | None:
    where = "PNG text 'Dream'"
    if len(text) > A1111_MAX_CHARS:
        notes.append(f"{where}: {len(text)} characters, more than any real record; not parsed")
        return None
    try:
        words = shlex.split(text)
    except ValueError as exc:
        notes.append(f"{where}: not a readable command line ({exc}); not parsed")
        return None
    if not words:
        return None
    prompt, options = words[0], {}
    for flag, value in itertools.pairwise(words[1:]):
        if flag in _DREAM_OPTIONS:
            options[_DREAM_OPTIONS[flag]] = value
    # "prompt [negative words]": InvokeAI 1.x put the negative prompt in square brackets.
    negative = " ".join(re.findall(r"\[([^\[\]]*)\]", prompt)).strip()
    positive = re.sub(r"\[[^\[\]]*\]", "", prompt).strip()
    return GenerationRecord(
        generator="InvokeAI",
        found_in=where,
        prompts=_text_tuple(positive),
        negative_prompts=_text_tuple(negative),
        seeds=tuple(s for s in [number_text(options.get("seed"), f"{where}: seed", notes, whole=True)] if s),
        steps=options.get("steps"),
        sampler=options.get("sampler"),
        cfg_scale=options.get("cfg"),
        size=_size(options.get("width"), options.get("height")),
    )


def parse_invokeai(chunks: dict[str, str], notes: list[str]) -> GenerationRecord | None:
    if "invokeai_metadata" in chunks:
        return _parse_invokeai_metadata(chunks["invokeai_metadata"], notes)
    if "sd-metadata" in chunks:
        return _parse_sd_metadata(chunks["sd-metadata"], notes)
    if "Dream" in chunks:
        return _parse_dream(chunks["Dream"], notes)
    return None
