"""AUTOMATIC1111 / Forge "parameters" text: prompt, negative prompt, then one settings line.

The layout and the key/value pattern follow the webui's own reader
(``modules/infotext_utils.py: parse_generation_parameters``): the last line is the settings line
only if the pattern matches it at least three times; quoted values are JSON strings. One change:
keys are limited to 64 characters, because the original pattern takes quadratic time on a long
line without colons (1.3 s for 16 KB; minutes for a crafted 256 KB chunk).
"""

from __future__ import annotations

import json
import re

from .limits import A1111_MAX_CHARS
from .model import GenerationRecord, Lora
from .text import as_text, clip
from .values import number_text

__all__ = ["looks_like_a1111", "parse_a1111"]

_PARAM = re.compile(r'\s*(\w[\w \-/]{0,63}):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)')
# Some tools (Civitai, later extensions) append "Hashes: {json}", whose commas break the pattern.
_HASHES_JSON = re.compile(r"(?:,\s*)?Hashes:\s*(\{[^{}]{0,65536}\})\s*")
# <lora:name:weight> and LyCORIS' <lyco:name:weight> in the prompt text.
_LORA_TAG = re.compile(r"<(?:lora|lyco):([^:<>]{1,256}):([^:<>]{0,64})(?::[^<>]{0,64})?>")
_MIN_SETTINGS = 3


def _settings_line(line: str) -> list[tuple[str, str]]:
    return [(k.strip(), v.strip()) for k, v in _PARAM.findall(line)]


def looks_like_a1111(text: str) -> bool:
    """True when the text ends with an AUTOMATIC1111 settings line (used for EXIF UserComment)."""
    if len(text) > A1111_MAX_CHARS:
        return False
    last = text.strip().rsplit("\n", 1)[-1]
    return "Steps:" in last and len(_settings_line(_HASHES_JSON.sub("", last))) >= _MIN_SETTINGS


def _lora_hashes(value: str) -> dict[str, str]:
    """'name1: abc123, name2: def456' -> {name: hash}."""
    pairs = (item.rsplit(":", 1) for item in value.split(",") if ":" in item)
    return {name.strip(): digest.strip() for name, digest in pairs if name.strip()}


def parse_a1111(text: str, found_in: str, notes: list[str]) -> GenerationRecord | None:
    where = f"{found_in} (AUTOMATIC1111 parameters)"
    if len(text) > A1111_MAX_CHARS:
        notes.append(f"{where}: {len(text)} characters, more than any real record ({A1111_MAX_CHARS}); not parsed")
        return None
    lines = text.strip().split("\n")
    last = lines[-1]
    hashes: dict[str, str] = {}
    match = _HASHES_JSON.search(last)
    if match:
        try:
            decoded = json.loads(match.group(1))
            hashes = {str(k): str(v) for k, v in decoded.items()} if isinstance(decoded, dict) else {}
        except ValueError:
            notes.append(f"{where}: 'Hashes' is not valid JSON; ignored")
        last = last[: match.start()] + last[match.end():]
    settings = _settings_line(last)
    if len(settings) < _MIN_SETTINGS:
        settings = []
        notes.append(f"{where}: no settings line (steps, sampler, seed ...); only the prompt is read")
    else:
        lines = lines[:-1]

    prompt_lines: list[str] = []
    negative_lines: list[str] = []
    in_negative = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("Negative prompt:"):
            in_negative = True
            stripped = stripped[len("Negative prompt:"):].strip()
        (negative_lines if in_negative else prompt_lines).append(stripped)
    prompt = "\n".join(prompt_lines).strip()
    negative = "\n".join(negative_lines).strip()

    values: dict[str, str] = {}
    for key, value in settings:
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            try:
                decoded_value = json.loads(value)
                value = decoded_value if isinstance(decoded_value, str) else value
            except ValueError:
                notes.append(f"{where}: quoted value of '{as_text(key, 64)}' is not a valid JSON string; kept as written")
        values.setdefault(key, value)

    seed = number_text(values.pop("Seed", None), f"{where}: Seed", notes, whole=True)
    steps = number_text(values.pop("Steps", None), f"{where}: Steps", notes, whole=True)
    cfg = number_text(values.pop("CFG scale", None), f"{where}: CFG scale", notes)
    model_hash = values.pop("Model hash", None) or hashes.get("model")
    model = values.pop("Model", None)
    version = values.pop("Version", None)
    lora_hashes = _lora_hashes(values.pop("Lora hashes", ""))
    lora_hashes.update({k[5:]: v for k, v in hashes.items() if k.startswith("lora:")})
    loras: dict[str, Lora] = {}
    for name, weight in _LORA_TAG.findall(prompt):
        name = name.strip()
        loras.setdefault(name, Lora(name=name, weight=weight.strip() or None, hash=lora_hashes.get(name)))
    for name, digest in lora_hashes.items():
        loras.setdefault(name, Lora(name=name, hash=digest))

    generator = "Forge" if version and version.startswith("f") else "AUTOMATIC1111"
    return GenerationRecord(
        generator=generator,
        found_in=found_in,
        prompts=(clip(prompt)[0],) if prompt else (),
        negative_prompts=(clip(negative)[0],) if negative else (),
        seeds=(seed,) if seed else (),
        steps=steps,
        sampler=values.pop("Sampler", None),
        cfg_scale=cfg,
        size=values.pop("Size", None),
        models=(model,) if model else (),
        model_hashes=(model_hash,) if model_hash else (),
        loras=tuple(loras.values()),
        version=version,
        settings=tuple((as_text(k, 64), as_text(v)) for k, v in values.items()),
    )
