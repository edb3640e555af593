"""The provenance result model: plain frozen dataclasses, filled by the readers, rendered by reports.

Every value is text as found in the file (or a number where the format defines one), so a report
can quote it. Whatever a reader could not use goes into ``Provenance.notes`` in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "AI_SOURCE_TYPES",
    "HASH_MISMATCH_CODES",
    "C2paAction",
    "C2paIngredient",
    "ContentCredentials",
    "EmbeddedThumbnail",
    "Exif",
    "GenerationRecord",
    "Lora",
    "Provenance",
    "TextChunk",
    "ValidationCode",
    "Xmp",
    "XmpEvent",
    "describe_source_type",
]

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Exif:
    """The EXIF fields an examiner asks for first; ``tags`` holds every tag read, as text."""

    make: str | None = None
    model: str | None = None
    lens: str | None = None
    serial_number: str | None = None
    software: str | None = None
    host_computer: str | None = None
    artist: str | None = None
    copyright: str | None = None
    description: str | None = None
    datetime: str | None = None  # last change of the file (0x0132)
    datetime_original: str | None = None  # capture or creation
    datetime_digitized: str | None = None
    user_comment: str | None = None
    gps: tuple[float, float] | None = None  # (latitude, longitude), degrees; south/west negative
    tags: Pairs = ()  # ("Exif:ExposureTime", "1/125"), ... every tag, binary shown by size
    thumbnail: bytes | None = field(default=None, repr=False)  # IFD1's JPEG preview, as stored


@dataclass(frozen=True)
class XmpEvent:
    """One xmpMM:History entry: what an editor recorded doing to the file."""

    action: str | None
    software_agent: str | None
    when: str | None


@dataclass(frozen=True)
class Xmp:
    digital_source_type: str | None = None  # IPTC code URI, e.g. .../trainedAlgorithmicMedia
    creator_tool: str | None = None
    create_date: str | None = None
    modify_date: str | None = None
    metadata_date: str | None = None
    creators: tuple[str, ...] = ()
    rights: str | None = None
    title: str | None = None
    description: str | None = None
    document_id: str | None = None
    instance_id: str | None = None
    original_document_id: str | None = None
    provenance_url: str | None = None  # dcterms:provenance: where a remote C2PA manifest is
    history: tuple[XmpEvent, ...] = ()
    properties: Pairs = ()  # ("xmp:CreatorTool", "..."), every simple property found


@dataclass(frozen=True)
class TextChunk:
    """One PNG text chunk. ``text`` is cut to TEXT_KEPT_CHARS; ``length`` is the full length."""

    chunk: str  # tEXt, zTXt or iTXt
    keyword: str
    text: str
    length: int
    truncated: bool = False
    language: str | None = None  # iTXt only
    translated_keyword: str | None = None  # iTXt only
    after_image_data: bool = False  # written after IDAT: added by a later tool, or a plain writer


@dataclass(frozen=True)
class Lora:
    name: str
    weight: str | None = None
    hash: str | None = None


@dataclass(frozen=True)
class GenerationRecord:
    """An AI generator's record of how a picture was made, parsed from where the tool wrote it.

    Multi-valued fields are tuples because a ComfyUI graph can hold several samplers, prompts and
    checkpoints; an AUTOMATIC1111 record fills one of each. Numbers stay text, exactly as written
    (seeds can exceed what a float holds).
    """

    generator: str  # "AUTOMATIC1111/Forge", "ComfyUI", "NovelAI", "InvokeAI"
    found_in: str  # e.g. "PNG tEXt 'parameters'", "EXIF UserComment"
    prompts: tuple[str, ...] = ()
    negative_prompts: tuple[str, ...] = ()
    seeds: tuple[str, ...] = ()
    steps: str | None = None
    sampler: str | None = None
    cfg_scale: str | None = None
    size: str | None = None
    models: tuple[str, ...] = ()
    model_hashes: tuple[str, ...] = ()
    loras: tuple[Lora, ...] = ()
    version: str | None = None
    settings: Pairs = ()  # every other setting the record holds, as written


@dataclass(frozen=True)
class C2paAction:
    action: str
    software_agent: str | None = None
    digital_source_type: str | None = None
    when: str | None = None


@dataclass(frozen=True)
class C2paIngredient:
    title: str | None
    relationship: str | None  # parentOf / componentOf / inputTo
    format: str | None = None


@dataclass(frozen=True)
class ValidationCode:
    code: str
    explanation: str | None = None


# Validation codes that say the signed hash of the asset's bytes no longer matches them: the file
# was changed after signing (C2PA 2.x, section 15 "Validation").
HASH_MISMATCH_CODES = frozenset({
    "assertion.dataHash.mismatch", "assertion.boxesHash.mismatch",
    "assertion.bmffHash.mismatch", "assertion.collectionHash.mismatch",
})


@dataclass(frozen=True)
class ContentCredentials:
    """C2PA content credentials as read and validated offline by the C2PA SDK.

    ``validation_state`` is the SDK's word: "Invalid", "Valid" (signature and hashes check out) or
    "Trusted" (also chains to a configured trust anchor). No trust anchors are configured here, so
    "Valid" says the manifest is intact, not who signed it. ``error`` is set when C2PA data is
    present but cannot be read at all; the other fields are then empty.
    """

    validation_state: str | None
    trusted: bool = False
    active_manifest: str | None = None
    manifest_count: int = 0
    claim_generator: str | None = None
    title: str | None = None
    format: str | None = None
    signer_issuer: str | None = None
    signer_name: str | None = None
    signature_algorithm: str | None = None
    signed_at: str | None = None
    actions: tuple[C2paAction, ...] = ()
    ingredients: tuple[C2paIngredient, ...] = ()
    failures: tuple[ValidationCode, ...] = ()  # every failure code the SDK reported
    remote_url: str | None = None
    error: str | None = None

    @property
    def hash_mismatch(self) -> bool:
        return any(f.code in HASH_MISMATCH_CODES for f in self.failures)

    @property
    def digital_source_type(self) -> str | None:
        return next((a.digital_source_type for a in self.actions if a.digital_source_type), None)


@dataclass(frozen=True)
class EmbeddedThumbnail:
    """The EXIF preview (``Exif.thumbnail``) decoded and compared with the picture it sits in: a
    preview that shows something else tells what the picture held when the preview was written
    (an editor that keeps the camera's preview leaves the edit's "before" in the file)."""

    width: int
    height: int
    byte_count: int
    sha256: str
    # The compare engine's verdict of the picture (original) against its preview (copy); None
    # when the preview could not be decoded (``summary`` says why).
    label: str | None
    similarity: float | None
    agrees: bool | None  # identical or near-duplicate: the preview shows the picture as it is
    summary: str
    areas: tuple[tuple[int, int, int, int], ...] = ()  # where they differ, [x, y, w, h] of the picture


@dataclass(frozen=True)
class Provenance:
    """Everything one file says about where it came from. Read only; nothing is ever written."""

    format: str
    exif: Exif | None = None
    xmp: Xmp | None = None
    iptc: Pairs = ()
    icc_description: str | None = None
    icc_copyright: str | None = None
    comments: tuple[str, ...] = ()  # JPEG COM segment, GIF comment extension
    text_chunks: tuple[TextChunk, ...] = ()
    generation: tuple[GenerationRecord, ...] = ()
    c2pa: ContentCredentials | None = None
    notes: tuple[str, ...] = ()
    thumbnail: EmbeddedThumbnail | None = None  # filled by ``thumbnail.checked`` (it needs the pixels)

    @property
    def has_metadata(self) -> bool:
        """Anything beyond the pixels that says who, what or how (an ICC profile alone does not)."""
        return bool(
            self.exif or self.xmp or self.iptc or self.comments or self.text_chunks
            or self.generation or self.c2pa
        )

    @property
    def digital_source_type(self) -> str | None:
        """Declared source type, C2PA first (signed), then XMP (unsigned)."""
        if self.c2pa and self.c2pa.digital_source_type:
            return self.c2pa.digital_source_type
        return self.xmp.digital_source_type if self.xmp else None

    def writing_software(self) -> Pairs:
        """(where, name) for every place that names the software that wrote or edited the file."""
        found: list[tuple[str, str]] = []
        if self.exif and self.exif.software:
            found.append(("EXIF Software", self.exif.software))
        if self.xmp and self.xmp.creator_tool:
            found.append(("XMP CreatorTool", self.xmp.creator_tool))
        if self.xmp:
            agents = [e.software_agent for e in self.xmp.history if e.software_agent]
            if agents:
                found.append(("XMP history (last)", agents[-1]))
        for chunk in self.text_chunks:
            if chunk.keyword.lower() == "software" and chunk.text:
                found.append((f"PNG {chunk.chunk} 'Software'", chunk.text))
        for comment in self.comments:
            found.append((f"{self.format} comment", comment))
        if self.c2pa and self.c2pa.claim_generator:
            found.append(("C2PA claim generator", self.c2pa.claim_generator))
        return tuple(found)


_IPTC_SOURCE_TYPES = "cv.iptc.org/newscodes/digitalsourcetype/"

# IPTC Digital Source Type vocabulary (cv.iptc.org/newscodes/digitalsourcetype), in short words.
_SOURCE_TYPE_MEANING = {
    "digitalCapture": "original digital capture of a real scene",
    "negativeFilm": "scan of a film negative",
    "positiveFilm": "scan of a film positive",
    "print": "scan of a print",
    "minorHumanEdits": "capture with minor human edits",
    "humanEdits": "edited by a person",
    "compositeCapture": "composite of captures",
    "algorithmicallyEnhanced": "capture enhanced by an algorithm",
    "dataDrivenMedia": "rendered from data",
    "digitalArt": "made by a person with digital tools",
    "digitalCreation": "made by a person with digital tools",
    "virtualRecording": "recording of a virtual scene",
    "compositeSynthetic": "composite that includes synthetic elements",
    "trainedAlgorithmicMedia": "created by a generative AI model",
    "compositeWithTrainedAlgorithmicMedia": "composite that includes generative-AI content",
    "algorithmicMedia": "generated by an algorithm without training data",
    "screenCapture": "screen capture",
    "composite": "composite of several elements",
}

# The codes that declare generative-AI content.
AI_SOURCE_TYPES = frozenset({"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"})


def describe_source_type(value: str | None) -> tuple[str | None, str | None]:
    """(short code, meaning) for an IPTC digital source type URI or bare code."""
    if not value:
        return None, None
    is_uri = value.startswith(("http://", "https://"))
    code = value.rsplit("/", 1)[-1].strip() if is_uri else value.strip()
    in_vocabulary_namespace = is_uri and value.split("://", 1)[1].startswith(_IPTC_SOURCE_TYPES)
    return code, _SOURCE_TYPE_MEANING.get(code, "not in the IPTC vocabulary" if in_vocabulary_namespace else None)
