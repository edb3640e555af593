"""C2PA content credentials, read and validated offline with the C2PA SDK (c2pa-python).

The SDK would fetch a manifest stored on a server (named in XMP ``dcterms:provenance``) and check
certificate revocation online; both are switched off, so nothing leaves the machine: a remote
manifest is reported, not fetched. No trust anchors are configured, so the best state a file can
reach here is "Valid" (intact and correctly signed), never "Trusted" (signed by a known signer).
"""

from __future__ import annotations

import io
import json
import re
import threading
from typing import Any

from .model import C2paAction, C2paIngredient, ContentCredentials, ValidationCode
from .text import as_text

__all__ = ["TRUST_NOTE", "read_content_credentials"]

TRUST_NOTE = (
    "no trust anchors are configured: 'Valid' means the manifest is intact and correctly signed, "
    "not that the signer is known or trusted"
)

# Evidence formats the C2PA SDK reads, by the MIME type it expects.
_MIME_TYPES = {
    "JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "TIFF": "image/tiff",
    "HEIF": "image/heif", "AVIF": "image/avif", "GIF": "image/gif",
}
# What any C2PA data leaves in a file's bytes, even when its contents are damaged: a JUMBF box
# ("jumb", the manifest store labelled "c2pa"), PNG's "caBX" chunk, WebP's "C2PA" chunk and GIF's
# "C2PA_GIF" extension, the BMFF box's C2PA UUID, and XMP's dcterms:provenance for a remote
# manifest (C2PA 2.1, section 11.3, "Embedding manifests into assets").
_C2PA_MARKERS = (b"jumb", b"c2pa", b"caBX", b"C2PA", b"provenance",
                 bytes.fromhex("d8fec3d61b0e483c92975828877ec481"))
_MARKER_SEARCH_BYTES = 4_000_000
_OFFLINE = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
_REMOTE_URL = re.compile(r"(https?://\S+)")

_context_lock = threading.Lock()
_context: Any = None


def _offline_context() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            import c2pa

            _context = c2pa.Context(c2pa.Settings.from_dict(_OFFLINE))
        return _context


def _text(value: Any) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return as_text(value).strip() or None
    return None


def _agent(value: Any) -> str | None:
    if isinstance(value, dict):
        name, version = _text(value.get("name")), _text(value.get("version"))
        return f"{name} {version}" if name and version else name
    return _text(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _claim_generator(manifest: dict[str, Any]) -> str | None:
    names = [_agent(info) for info in _list(manifest.get("claim_generator_info"))]
    return ", ".join(n for n in names if n) or _text(manifest.get("claim_generator"))


def _failures(store: dict[str, Any]) -> tuple[ValidationCode, ...]:
    results = _dict(_dict(store.get("validation_results")).get("activeManifest"))
    entries = _list(results.get("failure")) if results else _list(store.get("validation_status"))
    codes = []
    for entry in entries:
        entry = _dict(entry)
        code = _text(entry.get("code"))
        if code:
            codes.append(ValidationCode(code=code, explanation=_text(entry.get("explanation"))))
    return tuple(codes)


def _credentials(store: dict[str, Any], state: str | None) -> ContentCredentials:
    manifests = _dict(store.get("manifests"))
    active = _text(store.get("active_manifest"))
    manifest = _dict(manifests.get(active)) if active else {}
    signature = _dict(manifest.get("signature_info"))
    actions = []
    for assertion in _list(manifest.get("assertions")):
        assertion = _dict(assertion)
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in _list(_dict(assertion.get("data")).get("actions")):
            action = _dict(action)
            name = _text(action.get("action"))
            if name:
                actions.append(C2paAction(
                    action=name, software_agent=_agent(action.get("softwareAgent")),
                    digital_source_type=_text(action.get("digitalSourceType")), when=_text(action.get("when")),
                ))
    ingredients = tuple(
        C2paIngredient(title=_text(i.get("title")), relationship=_text(i.get("relationship")), format=_text(i.get("format")))
        for i in map(_dict, _list(manifest.get("ingredients")))
    )
    return ContentCredentials(
        validation_state=state,
        trusted=state == "Trusted",
        active_manifest=active,
        manifest_count=len(manifests),
        claim_generator=_claim_generator(manifest),
        title=_text(manifest.get("title")),
        format=_text(manifest.get("format")),
        signer_issuer=_text(signature.get("issuer")),
        signer_name=_text(signature.get("common_name")),
        signature_algorithm=_text(signature.get("alg")),
        signed_at=_text(signature.get("time")),
        actions=tuple(actions),
        ingredients=ingredients,
        failures=_failures(store),
    )


def read_content_credentials(data: bytes, image_format: str, notes: list[str]) -> ContentCredentials | None:
    """The file's C2PA manifest store, validated; None when the file carries no C2PA data."""
    mime = _MIME_TYPES.get(image_format)
    if mime is None:
        return None
    # Loading the SDK costs 10-20 ms, once per process, with or without a manifest: a small file
    # holding none of the markers the SDK looks for is not given to it (_C2PA_MARKERS). Looking
    # costs about 4 ms per megabyte, the SDK's own reader 3 ms whatever the size once loaded.
    if len(data) <= _MARKER_SEARCH_BYTES and not any(marker in data for marker in _C2PA_MARKERS):
        return None
    try:
        import c2pa
    except ImportError as exc:  # the wheel ships a native library; a broken install is a note
        notes.append(f"C2PA not checked: the C2PA SDK cannot be loaded ({exc})")
        return None
    try:
        reader = c2pa.Reader(mime, io.BytesIO(data), context=_offline_context())
    except c2pa.C2paError.ManifestNotFound:
        return None
    except c2pa.C2paError as exc:
        message = str(exc)
        remote = _REMOTE_URL.search(message)
        if isinstance(exc, c2pa.C2paError.RemoteManifest) or remote:
            url = remote.group(1) if remote else None
            return ContentCredentials(
                validation_state=None, remote_url=url,
                error="the manifest is stored remotely" + (f" ({url})" if url else "") + "; not fetched: no network use",
            )
        return ContentCredentials(validation_state=None, error=f"C2PA data present but unreadable: {message}")
    except Exception as exc:  # noqa: BLE001 - whatever the SDK raises on hostile bytes is a finding
        return ContentCredentials(validation_state=None, error=f"C2PA data present but unreadable: {exc or type(exc).__name__}")
    try:
        with reader:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
    except Exception as exc:  # noqa: BLE001
        return ContentCredentials(validation_state=None, error=f"C2PA manifest unreadable: {exc or type(exc).__name__}")
    if not isinstance(store, dict):
        return ContentCredentials(validation_state=None, error="C2PA SDK returned no manifest store")
    return _credentials(store, state if isinstance(state, str) else None)
