"""Compare the provenance of two files and say what the differences mean.

``diff_metadata`` returns plain dataclasses: ``findings`` (what an examiner should know, in words,
with the values behind each) and ``fields`` (every compared field, side by side, with a status).
Reports render them as they are.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .provenance import (
    AI_SOURCE_TYPES,
    TRUST_NOTE,
    GenerationRecord,
    Provenance,
    describe_source_type,
)

__all__ = ["FieldComparison", "MetadataDiff", "MetadataFinding", "diff_metadata", "provenance_fields"]

# Values longer than this are shown cut in the field table; equality is decided on the whole value.
_SHOWN_CHARS = 300


@dataclass(frozen=True)
class MetadataFinding:
    code: str  # stable identifier, e.g. "copy-stripped", "same-seed", "c2pa-hash-mismatch"
    meaning: str  # what it means, in words
    original: str | None = None  # the value(s) behind it, as text
    copy: str | None = None


@dataclass(frozen=True)
class FieldComparison:
    field: str
    status: str  # same / changed / only-original / only-copy
    original: str | None
    copy: str | None


@dataclass(frozen=True)
class MetadataDiff:
    findings: tuple[MetadataFinding, ...]
    fields: tuple[FieldComparison, ...]


def _join(values: tuple[str, ...] | list[str]) -> str | None:
    return "; ".join(values) or None


def _record_fields(record: GenerationRecord) -> list[tuple[str, str | None]]:
    return [
        ("AI record: generator", record.generator),
        ("AI record: found in", record.found_in),
        ("AI record: prompt", _join(record.prompts)),
        ("AI record: negative prompt", _join(record.negative_prompts)),
        ("AI record: seed", _join(record.seeds)),
        ("AI record: steps", record.steps),
        ("AI record: sampler", record.sampler),
        ("AI record: CFG scale", record.cfg_scale),
        ("AI record: size", record.size),
        ("AI record: model", _join(record.models)),
        ("AI record: model hash", _join(record.model_hashes)),
        ("AI record: LoRAs", _join([f"{lo.name}:{lo.weight}" if lo.weight else lo.name for lo in record.loras])),
        ("AI record: version", record.version),
    ]


def provenance_fields(p: Provenance) -> list[tuple[str, str | None]]:
    """The comparable facts of one file, by name, in a stable order."""
    fields: list[tuple[str, str | None]] = [("file format", p.format)]
    e = p.exif
    if e:
        fields += [
            ("EXIF Make", e.make), ("EXIF Model", e.model), ("EXIF Lens", e.lens),
            ("EXIF serial number", e.serial_number), ("EXIF Software", e.software),
            ("EXIF HostComputer", e.host_computer), ("EXIF Artist", e.artist), ("EXIF Copyright", e.copyright),
            ("EXIF ImageDescription", e.description), ("EXIF DateTime", e.datetime),
            ("EXIF DateTimeOriginal", e.datetime_original), ("EXIF DateTimeDigitized", e.datetime_digitized),
            ("EXIF GPS", f"{e.gps[0]:.6f}, {e.gps[1]:.6f}" if e.gps else None),
            ("EXIF UserComment", e.user_comment),
        ]
    x = p.xmp
    if x:
        fields += [
            ("XMP DigitalSourceType", x.digital_source_type), ("XMP CreatorTool", x.creator_tool),
            ("XMP CreateDate", x.create_date), ("XMP ModifyDate", x.modify_date), ("XMP creator", _join(x.creators)),
            ("XMP rights", x.rights), ("XMP DocumentID", x.document_id),
            ("XMP OriginalDocumentID", x.original_document_id), ("XMP InstanceID", x.instance_id),
            ("XMP history", _join([" ".join(v for v in (h.action, h.software_agent, h.when) if v) for h in x.history])),
        ]
    fields += [(f"IPTC {name}", value) for name, value in p.iptc]
    fields += [("ICC profile", p.icc_description), ("comment", _join(list(p.comments)))]
    fields += [(f"PNG {c.chunk} '{c.keyword}'", c.text + (f" ... ({c.length} characters)" if c.truncated else "")) for c in p.text_chunks]
    if p.generation:
        fields += _record_fields(p.generation[0])
    c = p.c2pa
    if c:
        fields += [
            ("C2PA validation", c.validation_state or f"unreadable: {c.error}"),
            ("C2PA claim generator", c.claim_generator),
            ("C2PA signer", ", ".join(v for v in (c.signer_name, c.signer_issuer) if v) or None),
            ("C2PA actions", _join([a.action + (f" ({a.software_agent})" if a.software_agent else "") for a in c.actions])),
            ("C2PA digital source type", c.digital_source_type),
            ("C2PA active manifest", c.active_manifest),
            ("C2PA failures", _join([f.code for f in c.failures])),
        ]
    return [(name, value) for name, value in fields if value is not None]


def _shown(value: str | None) -> str | None:
    if value is None or len(value) <= _SHOWN_CHARS:
        return value
    return value[:_SHOWN_CHARS] + f" ... ({len(value)} characters)"


def _compare_fields(original: Provenance, copy: Provenance) -> tuple[FieldComparison, ...]:
    left, right = dict(provenance_fields(original)), dict(provenance_fields(copy))
    names = list(left) + [n for n in right if n not in left]
    rows = []
    for name in names:
        a, b = left.get(name), right.get(name)
        status = "same" if a == b else "only-original" if b is None else "only-copy" if a is None else "changed"
        rows.append(FieldComparison(name, status, _shown(a), _shown(b)))
    return tuple(rows)


def _carried(p: Provenance) -> str:
    parts = [
        name for name, present in (
            ("EXIF", p.exif), ("XMP", p.xmp), ("IPTC", p.iptc), ("comments", p.comments),
            ("PNG text chunks", p.text_chunks), ("an AI generation record", p.generation), ("C2PA credentials", p.c2pa),
        ) if present
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _stripping(original: Provenance, copy: Provenance) -> list[MetadataFinding]:
    if original.has_metadata and not copy.has_metadata:
        return [MetadataFinding(
            "copy-stripped",
            "The copy carries no metadata at all, while the original carries " + _carried(original) + ". It was "
            "removed, deliberately or by the software or platform that re-saved the copy (screenshots and most "
            "social networks strip it). Missing metadata proves nothing about where the copy came from.",
            _carried(original), None,
        )]
    if copy.has_metadata and not original.has_metadata:
        return [MetadataFinding(
            "original-stripped",
            "The original carries no metadata, while the copy carries " + _carried(copy) + ": the copy's metadata "
            "did not come from this original file (it was written by the tool that made the copy, or taken from "
            "another file).",
            None, _carried(copy),
        )]
    if not original.has_metadata and not copy.has_metadata:
        return [MetadataFinding("no-metadata", "Neither file carries metadata: provenance cannot be compared.")]
    return []


def _generation(original: Provenance, copy: Provenance) -> list[MetadataFinding]:
    a = original.generation[0] if original.generation else None
    b = copy.generation[0] if copy.generation else None
    if a and not b:
        return [MetadataFinding(
            "generation-record-removed",
            f"The original's {a.generator} generation record is not in the copy: it was removed when the copy "
            "was saved or re-encoded.",
            f"{a.generator}, seed {_join(a.seeds) or '?'}", None,
        )]
    if b and not a:
        return [MetadataFinding(
            "generation-record-only-in-copy",
            f"The copy carries a {b.generator} generation record that the original does not: the copy was "
            f"generated or processed with {b.generator} (for example img2img or an upscale of the original).",
            None, f"{b.generator}, seed {_join(b.seeds) or '?'}",
        )]
    if not (a and b):
        return []
    findings = []
    same_seed = bool(set(a.seeds) & set(b.seeds))
    same_hash = bool({h.lower() for h in a.model_hashes} & {h.lower() for h in b.model_hashes})
    same_model = bool(set(a.models) & set(b.models))
    if same_seed and same_hash:
        findings.append(MetadataFinding(
            "same-seed-and-model-hash",
            "Both generation records name the same seed and the same model hash: with the same prompt and settings "
            "the generator reproduces the same picture. One image was generated with the other's settings, or "
            "the record was copied along with the picture.",
            f"seed {_join(a.seeds)}, model hash {_join(a.model_hashes)}",
            f"seed {_join(b.seeds)}, model hash {_join(b.model_hashes)}",
        ))
    elif same_seed:
        findings.append(MetadataFinding(
            "same-seed",
            "Both generation records name the same seed" + (" but different model hashes" if a.model_hashes and b.model_hashes else "")
            + ": the same starting noise, so closely related pictures; a different model or settings explain the differences.",
            _join(a.seeds), _join(b.seeds),
        ))
    elif a.seeds and b.seeds:
        findings.append(MetadataFinding(
            "different-seed",
            "The generation records name different seeds: the pictures were generated separately (a new seed), or "
            "one was regenerated from the other (img2img and variations record their own seed).",
            _join(a.seeds), _join(b.seeds),
        ))
    if same_hash and not same_seed:
        findings.append(MetadataFinding(
            "same-model-hash", "Both generation records name the same model (same checkpoint hash).",
            _join(a.model_hashes), _join(b.model_hashes),
        ))
    elif not same_hash and same_model:
        findings.append(MetadataFinding("same-model", "Both generation records name the same model.", _join(a.models), _join(b.models)))
    if a.prompts and a.prompts == b.prompts:
        findings.append(MetadataFinding("same-prompt", "Both generation records hold the same prompt, word for word.", _shown(_join(a.prompts)), _shown(_join(b.prompts))))
    elif a.prompts and b.prompts:
        findings.append(MetadataFinding("different-prompt", "The generation records hold different prompts.", _shown(_join(a.prompts)), _shown(_join(b.prompts))))
    return findings


def _c2pa_side(side: str, p: Provenance) -> list[MetadataFinding]:
    c = p.c2pa
    if c is None:
        return []
    value = c.validation_state or c.error
    if c.error:
        return [MetadataFinding(f"{side}-c2pa-unreadable", f"The {side} carries C2PA data that cannot be checked: {c.error}.",
                                value if side == "original" else None, value if side == "copy" else None)]
    codes = ", ".join(f.code for f in c.failures if f.code != "signingCredential.untrusted")
    if c.hash_mismatch:
        meaning = (f"The {side}'s C2PA manifest no longer matches its bytes ({codes}): the file was changed after it "
                   "was signed, so the credentials describe an earlier version of it.")
        code = f"{side}-c2pa-hash-mismatch"
    elif c.validation_state == "Invalid":
        meaning, code = f"The {side}'s C2PA manifest fails validation ({codes or 'see failures'}).", f"{side}-c2pa-invalid"
    else:
        meaning = (f"The {side} carries C2PA content credentials that validate ({c.validation_state}), claim "
                   f"generator {c.claim_generator or '?'}; {TRUST_NOTE}.")
        code = f"{side}-c2pa-valid"
    return [MetadataFinding(code, meaning, value if side == "original" else None, value if side == "copy" else None)]


def _c2pa(original: Provenance, copy: Provenance) -> list[MetadataFinding]:
    findings = _c2pa_side("original", original) + _c2pa_side("copy", copy)
    a, b = original.c2pa, copy.c2pa
    if a and not a.error and b is None:
        findings.append(MetadataFinding(
            "c2pa-removed",
            "The original's C2PA content credentials are absent from the copy: removed when the copy was re-saved "
            "(most editors and platforms do not carry them over).",
            a.active_manifest, None,
        ))
    if a and b and a.active_manifest and a.active_manifest == b.active_manifest:
        findings.append(MetadataFinding(
            "same-c2pa-manifest", "Both files carry the same active C2PA manifest: the same signed claim.",
            a.active_manifest, b.active_manifest,
        ))
    if b and b.ingredients:
        titles = "; ".join(f"{i.title or '?'} ({i.relationship or '?'})" for i in b.ingredients)
        findings.append(MetadataFinding(
            "copy-c2pa-ingredients",
            "The copy's C2PA manifest declares it was made from other files (ingredients): " + titles + ".",
            None, titles,
        ))
    return findings


def _software(original: Provenance, copy: Provenance) -> list[MetadataFinding]:
    findings = []
    if original.format != copy.format:
        findings.append(MetadataFinding(
            "format-changed",
            f"The copy is a {copy.format} file, the original a {original.format}: the copy was re-encoded, which "
            "also drops or rewrites metadata.",
            original.format, copy.format,
        ))
    known = {name.strip().lower() for _, name in original.writing_software()}
    new = [(where, name) for where, name in copy.writing_software() if name.strip().lower() not in known]
    if new:
        names = "; ".join(f"{where}: {name}" for where, name in new)
        findings.append(MetadataFinding(
            "copy-software",
            "The copy names software that the original does not (" + names + "): the copy was last written, "
            "re-encoded or edited with it.",
            _join([f"{w}: {n}" for w, n in original.writing_software()]), names,
        ))
    return findings


def _source_type(original: Provenance, copy: Provenance) -> list[MetadataFinding]:
    a_code, a_meaning = describe_source_type(original.digital_source_type)
    b_code, b_meaning = describe_source_type(copy.digital_source_type)
    if not (a_code or b_code):
        return []
    declared = [side for side, code in (("original", a_code), ("copy", b_code)) if code in AI_SOURCE_TYPES]
    if a_code == b_code:
        meaning = f"Both files declare the same digital source type: {a_code} ({a_meaning})."
        code = "same-source-type"
    else:
        meaning = (f"The files declare different digital source types: original {a_code or 'none'}"
                   f"{f' ({a_meaning})' if a_meaning else ''}, copy {b_code or 'none'}{f' ({b_meaning})' if b_meaning else ''}.")
        code = "source-type-changed"
    if declared:
        meaning += " A declaration of generative-AI content is the signer's or writer's own statement (signed only in C2PA)."
    return [MetadataFinding(code, meaning, a_code, b_code)]


def _capture(original: Provenance, copy: Provenance) -> list[MetadataFinding]:
    a, b = original.exif, copy.exif
    if not (a and b):
        return []
    findings = []
    camera_a = " ".join(v for v in (a.make, a.model, a.serial_number) if v)
    camera_b = " ".join(v for v in (b.make, b.model, b.serial_number) if v)
    if camera_a and camera_b:
        same = camera_a == camera_b
        findings.append(MetadataFinding(
            "same-camera" if same else "different-camera",
            "Both files name the same camera." if same else "The files name different cameras.",
            camera_a, camera_b,
        ))
    if a.datetime_original and b.datetime_original:
        same = a.datetime_original == b.datetime_original
        findings.append(MetadataFinding(
            "same-capture-time" if same else "different-capture-time",
            "Both files record the same capture or creation time." if same
            else "The files record different capture or creation times.",
            a.datetime_original, b.datetime_original,
        ))
    findings.extend(_previews(a.thumbnail, b.thumbnail))
    return findings


def _previews(a: bytes | None, b: bytes | None) -> list[MetadataFinding]:
    """The EXIF previews, byte for byte: the copy's file keeps the original's preview when it was
    made from that file with its metadata (an editor's save, a tool that copies EXIF)."""
    if a is None or b is None:
        return []
    digests = hashlib.sha256(a).hexdigest(), hashlib.sha256(b).hexdigest()
    if digests[0] == digests[1]:
        return [MetadataFinding("same-exif-preview", "Both files hold the same EXIF preview, byte for byte (equal "
                                "SHA-256): the copy's metadata was carried over from the original's file, or both "
                                "from a common one.", digests[0], digests[1])]
    return [MetadataFinding("different-exif-preview", "The files hold different EXIF previews.", digests[0], digests[1])]


def diff_metadata(original: Provenance, copy: Provenance) -> MetadataDiff:
    """What the two files' metadata share, what differs, and what that means."""
    findings = (
        _stripping(original, copy) + _c2pa(original, copy) + _generation(original, copy)
        + _source_type(original, copy) + _software(original, copy) + _capture(original, copy)
    )
    return MetadataDiff(findings=tuple(findings), fields=_compare_fields(original, copy))
