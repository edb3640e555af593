"""XMP packets parsed with defusedxml (no DTDs, no entity expansion: the packet is untrusted).

Every simple property is kept as ``prefix:Name`` = text; the fields an examiner asks for first
(IPTC DigitalSourceType, CreatorTool, dates, creators, edit history) are picked out by name.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from .limits import TAG_VALUE_MAX_CHARS, TAGS_MAX_COUNT, XMP_MAX_BYTES
from .model import Xmp, XmpEvent
from .text import as_text

__all__ = ["read_xmp"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML = "http://www.w3.org/XML/1998/namespace"

# Conventional prefixes, so names read the same whatever prefix the writer chose.
_PREFIXES = {
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.useplus.org/ldf/xmp/1.0/": "plus",
    "http://ns.google.com/photos/1.0/camera/": "GCamera",
    _RDF: "rdf",
    _XML: "xml",
}


def _name(tag: str) -> str:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return f"{_PREFIXES.get(uri, uri)}:{local}"
    return tag


def _text(element: Element) -> str:
    return (element.text or "").strip()


# Structures nest a few levels in real packets; deeper nesting is cut rather than recursed into.
_MAX_DEPTH = 16


def _struct(element: Element, depth: int = 0) -> dict[str, Any]:
    """Fields of an XMP structure, from attributes and child elements alike."""
    fields: dict[str, Any] = {}
    if depth > _MAX_DEPTH:
        return {"...": "nested too deeply; not read"}
    for key, value in element.attrib.items():
        if not key.startswith(("{" + _RDF, "{" + _XML)):
            fields[_name(key)] = value
    for child in element:
        if child.tag == f"{{{_RDF}}}Description":
            fields.update(_struct(child, depth + 1))
        else:
            fields[_name(child.tag)] = _value(child, depth + 1)
    return fields


def _value(element: Element, depth: int = 0) -> Any:
    """A property's value: text, a list (rdf:Seq/Bag/Alt) or a structure (a dict)."""
    resource = element.get(f"{{{_RDF}}}resource")
    if resource is not None:
        return resource
    container = next((c for c in element if c.tag in (f"{{{_RDF}}}Seq", f"{{{_RDF}}}Bag", f"{{{_RDF}}}Alt")), None)
    if container is not None:
        items: list[Any] = []
        for item in container:
            if len(item) or any(not k.startswith(("{" + _RDF, "{" + _XML)) for k in item.attrib):
                items.append(_struct(item, depth + 1))
            else:
                items.append(item.get(f"{{{_RDF}}}resource") or _text(item))
        return items
    if element.get(f"{{{_RDF}}}parseType") == "Resource" or len(element):
        return _struct(element, depth + 1)
    if any(not k.startswith(("{" + _RDF, "{" + _XML)) for k in element.attrib):
        return _struct(element, depth + 1)
    return _text(element)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value)
    return as_text(value, TAG_VALUE_MAX_CHARS)


def _first(value: Any) -> str | None:
    """A single text from a text, an rdf:Alt (first language) or a list."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v), None)
    if not isinstance(value, str):
        return None
    return as_text(value).strip() or None


def read_xmp(packet: bytes, where: str, notes: list[str]) -> Xmp | None:
    """Parse one XMP packet; None (with a note) when it cannot be read."""
    if len(packet) > XMP_MAX_BYTES:
        notes.append(f"{where}: XMP packet of {len(packet)} bytes exceeds {XMP_MAX_BYTES // (1024 * 1024)} MB; not read")
        return None
    packet = packet.strip(b"\x00 \t\r\n")
    if not packet:
        return None
    try:
        root = SafeET.fromstring(packet)
    except (ParseError, defusedxml.DefusedXmlException, ValueError) as exc:
        notes.append(f"{where}: XMP is not well-formed XML, or uses DTDs/entities ({exc}); not read")
        return None
    properties: list[tuple[str, Any]] = []
    descriptions = [d for rdf in root.iter(f"{{{_RDF}}}RDF") for d in rdf if d.tag == f"{{{_RDF}}}Description"]
    for description in descriptions:
        for key, value in description.attrib.items():
            if not key.startswith(("{" + _RDF, "{" + _XML)):
                properties.append((_name(key), value))
        for child in description:
            properties.append((_name(child.tag), _value(child)))
    if not properties:
        if not descriptions:
            notes.append(f"{where}: XMP packet holds no RDF description")
        return None
    if len(properties) > TAGS_MAX_COUNT:
        notes.append(f"{where}: XMP holds {len(properties)} properties; the first {TAGS_MAX_COUNT} are read")
        properties = properties[:TAGS_MAX_COUNT]
    found: dict[str, Any] = {}
    for name, value in properties:
        found.setdefault(name, value)

    history_items = found.get("xmpMM:History")
    history = tuple(
        XmpEvent(_first(item.get("stEvt:action")), _first(item.get("stEvt:softwareAgent")), _first(item.get("stEvt:when")))
        for item in (history_items if isinstance(history_items, list) else [])
        if isinstance(item, dict)
    )
    creators = found.get("dc:creator")
    creator_list = [creators] if isinstance(creators, str) else creators if isinstance(creators, list) else []
    return Xmp(
        digital_source_type=_first(found.get("Iptc4xmpExt:DigitalSourceType")),
        creator_tool=_first(found.get("xmp:CreatorTool")),
        create_date=_first(found.get("xmp:CreateDate")),
        modify_date=_first(found.get("xmp:ModifyDate")),
        metadata_date=_first(found.get("xmp:MetadataDate")),
        creators=tuple(as_text(c) for c in creator_list if isinstance(c, str) and c),
        rights=_first(found.get("dc:rights")),
        title=_first(found.get("dc:title")),
        description=_first(found.get("dc:description")),
        document_id=_first(found.get("xmpMM:DocumentID")),
        instance_id=_first(found.get("xmpMM:InstanceID")),
        original_document_id=_first(found.get("xmpMM:OriginalDocumentID")),
        provenance_url=_first(found.get("dcterms:provenance")),
        history=history,
        properties=tuple((name, _show(value)) for name, value in properties),
    )
