"""Size limits for metadata readers, with the reason for each value.

Metadata is attacker-controlled text inside evidence: every reader bounds what it decompresses,
parses and keeps, and says so in a note when a limit is reached, instead of failing.
"""

from __future__ import annotations

# Decompressed size of one PNG text chunk. ComfyUI workflows with many nodes reach a few MB;
# Pillow's own 1 MB limit refuses the whole image above it, which would hide the pixels too.
TEXT_CHUNK_MAX_BYTES = 16 * 1024 * 1024

# All text chunks of one file together (Pillow uses 64 MB for the same purpose).
TEXT_TOTAL_MAX_BYTES = 64 * 1024 * 1024

# Text kept in the result model per value. Reports quote it; a longer value is cut and its full
# length recorded. Real A1111 records are a few KB; a long ComfyUI workflow is summarised instead.
TEXT_KEPT_CHARS = 64 * 1024

# An AUTOMATIC1111 parameters text larger than this is not parsed: real records with extensions
# (ADetailer, regional prompts) stay below 32 KB, and the key/value pattern costs time per byte.
A1111_MAX_CHARS = 256 * 1024

# JSON parsed for ComfyUI / NovelAI / InvokeAI records (a chunk is already at most 16 MB).
JSON_MAX_CHARS = TEXT_CHUNK_MAX_BYTES

# Nodes visited when following one ComfyUI link chain, and nodes read from one graph: real
# graphs have tens to a few hundred nodes; a cycle or a crafted graph stops here.
GRAPH_MAX_WALK = 512
GRAPH_MAX_NODES = 20_000

# XMP packets: JPEG limits one to 64 KB (extended XMP adds more); 4 MB covers long edit histories.
XMP_MAX_BYTES = 4 * 1024 * 1024

# Values listed in the generic EXIF / XMP / IPTC tag lists: longer values are cut.
TAG_VALUE_MAX_CHARS = 2048
TAGS_MAX_COUNT = 2000

# An EXIF thumbnail (IFD1's JPEG): EXIF keeps the whole block within one 64 KB JPEG segment, and
# cameras write 160 x 120 previews of 5-20 KB; other containers (PNG eXIf, WebP, HEIF) have no such
# bound, so a larger one is noted and left unread. Its pixels: 1,024 x 1,024 at most.
THUMBNAIL_MAX_BYTES = 1024 * 1024
THUMBNAIL_MAX_PIXELS = 1024 * 1024
