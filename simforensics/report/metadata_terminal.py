"""Rich renderings of provenance (inspect) and of the metadata diff (compare)."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from ..metadata_diff import MetadataDiff
from ..provenance import TRUST_NOTE, Provenance, describe_source_type

__all__ = ["metadata_diff_table", "provenance_rows", "provenance_table"]

# Longest value shown on the terminal; --json holds the full values.
_SHOWN = 400


def _cut(value: str, limit: int = _SHOWN) -> str:
    value = value.replace("\r", "")
    return value if len(value) <= limit else value[:limit] + f" ... ({len(value)} characters; see --json)"


def provenance_rows(p: Provenance) -> list[tuple[str, str | None]]:
    """(label, value) rows; a label in capitals starts a section (value None)."""
    rows: list[tuple[str, str | None]] = []
    add = rows.append
    for g in p.generation:
        add((f"AI GENERATION RECORD: {g.generator} (in {g.found_in})", None))
        for index, prompt in enumerate(g.prompts, 1):
            add(("prompt" if len(g.prompts) == 1 else f"prompt {index}", prompt))
        for index, prompt in enumerate(g.negative_prompts, 1):
            add(("negative prompt" if len(g.negative_prompts) == 1 else f"negative prompt {index}", prompt))
        for label, value in (
            ("seed", ", ".join(g.seeds) or None), ("steps", g.steps), ("sampler", g.sampler),
            ("CFG scale", g.cfg_scale), ("size", g.size), ("model", ", ".join(g.models) or None),
            ("model hash", ", ".join(g.model_hashes) or None),
            ("LoRAs", ", ".join(f"{lo.name} ({lo.weight})" if lo.weight else lo.name for lo in g.loras) or None),
            ("version", g.version),
        ):
            if value:
                add((label, value))
        for name, value in g.settings:
            add((name, value))
    c = p.c2pa
    if c is not None:
        add(("C2PA CONTENT CREDENTIALS", None))
        if c.error:
            add(("state", f"not checked: {c.error}"))
        else:
            trust = f" (not trusted: {TRUST_NOTE})" if c.validation_state == "Valid" else ""
            add(("validation", f"{c.validation_state}{trust}"))
            if c.hash_mismatch:
                add(("hash", "MISMATCH: the file was changed after it was signed"))
            for label, value in (
                ("claim generator", c.claim_generator), ("title", c.title),
                ("signed by", ", ".join(v for v in (c.signer_name, c.signer_issuer) if v) or None),
                ("signed at", c.signed_at), ("active manifest", c.active_manifest),
            ):
                if value:
                    add((label, value))
            for action in c.actions:
                detail = ", ".join(v for v in (action.software_agent, describe_source_type(action.digital_source_type)[0], action.when) if v)
                add(("action", action.action + (f" ({detail})" if detail else "")))
            for ingredient in c.ingredients:
                add(("ingredient", f"{ingredient.title or '?'} ({ingredient.relationship or '?'})"))
            failures = [f.code for f in c.failures]
            if failures:
                add(("failure codes", ", ".join(failures)))
    source_code, source_meaning = describe_source_type(p.digital_source_type)
    if source_code:
        add(("DECLARED SOURCE", None))
        add(("digital source type", f"{source_code}" + (f" ({source_meaning})" if source_meaning else "")))
    e = p.exif
    if e is not None:
        add(("EXIF", None))
        for label, value in (
            ("camera", " ".join(v for v in (e.make, e.model) if v) or None), ("lens", e.lens),
            ("serial number", e.serial_number), ("software", e.software), ("host computer", e.host_computer),
            ("artist", e.artist), ("copyright", e.copyright), ("description", e.description),
            ("date/time (changed)", e.datetime), ("date/time original", e.datetime_original),
            ("date/time digitized", e.datetime_digitized),
            ("GPS", f"{e.gps[0]:.6f}, {e.gps[1]:.6f}" if e.gps else None), ("user comment", e.user_comment),
        ):
            if value:
                add((label, value))
        add(("tags", f"{len(e.tags)} (all in --json)"))
    x = p.xmp
    if x is not None:
        add(("XMP", None))
        for label, value in (
            ("creator tool", x.creator_tool), ("created", x.create_date), ("modified", x.modify_date),
            ("creator", ", ".join(x.creators) or None), ("rights", x.rights), ("title", x.title),
            ("description", x.description),
            ("document ID", x.document_id), ("original document ID", x.original_document_id),
            ("remote C2PA manifest", x.provenance_url),
        ):
            if value:
                add((label, value))
        for event in x.history:
            add(("history", " ".join(v for v in (event.when, event.action, event.software_agent) if v)))
        add(("properties", f"{len(x.properties)} (all in --json)"))
    if p.iptc:
        add(("IPTC", None))
        rows.extend(p.iptc)
    if p.icc_description or p.comments:
        add(("OTHER", None))
        if p.icc_description:
            add(("ICC profile", p.icc_description + (f" ({p.icc_copyright})" if p.icc_copyright else "")))
        for comment in p.comments:
            add(("comment", comment))
    if p.text_chunks:
        add(("PNG TEXT CHUNKS", None))
        for t in p.text_chunks:
            where = f"{t.chunk}, {t.length} characters" + (", after the image data" if t.after_image_data else "")
            add((f"{t.keyword} ({where})", _cut(t.text, 160)))
    if p.notes:
        add(("NOTES", None))
        for note in p.notes:
            add(("note", note))
    return rows


def provenance_table(p: Provenance, title: str) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, show_lines=False)
    table.add_column("", style="bold", overflow="fold", max_width=40)
    table.add_column("", overflow="fold")
    if not p.has_metadata:
        table.add_row("", "no metadata (no EXIF, XMP, IPTC, comments, text chunks, AI record or C2PA)")
    for label, value in provenance_rows(p):
        if value is None:
            table.add_row(f"[underline]{escape(label)}[/]", "")
        else:
            table.add_row(escape(label), escape(_cut(value)))
    return table


def metadata_diff_table(diff: MetadataDiff) -> Table:
    table = Table(title="Metadata (what the two files' metadata share and what differs)", title_justify="left")
    table.add_column("finding", style="bold", no_wrap=True)
    table.add_column("what it means", overflow="fold")
    table.add_column("original", overflow="fold", max_width=28)
    table.add_column("copy", overflow="fold", max_width=28)
    for f in diff.findings:
        table.add_row(escape(f.code), escape(f.meaning), escape(_cut(f.original or "-", 120)), escape(_cut(f.copy or "-", 120)))
    changed = sum(1 for f in diff.fields if f.status != "same")
    table.caption = f"{len(diff.fields)} fields compared, {changed} differ (field by field in --json: metadata_diff.fields)"
    table.caption_justify = "left"
    return table
