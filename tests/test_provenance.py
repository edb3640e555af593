"""Provenance readers on files written the way generators, editors and C2PA signers write them."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, TiffImagePlugin

from fixtures import c2pa_fixtures as cf
from fixtures import make_fixtures as fx
from fixtures import metadata_fixtures as mf
from simforensics.evidence import load_evidence
from simforensics.provenance import Lora, Provenance

from .conftest import snapshot


@pytest.fixture(scope="module")
def rgb() -> np.ndarray:
    return fx.source_image("astronaut", 128)


def read(tmp_path: Path, name: str, data: bytes) -> Provenance:
    path = tmp_path / name
    path.write_bytes(data)
    evidence = load_evidence(path, with_provenance=True)
    assert evidence.provenance is not None
    return evidence.provenance


def assert_a1111_record(p: Provenance, found_in: str) -> None:
    (record,) = p.generation
    assert record.generator == "AUTOMATIC1111" and record.found_in == found_in
    assert record.prompts == (mf.A1111_PROMPT,)
    assert record.negative_prompts == (mf.A1111_NEGATIVE,)
    assert record.seeds == (mf.A1111_SEED,)
    assert (record.steps, record.sampler, record.cfg_scale, record.size) == ("30", "DPM++ 2M", "7", "512x512")
    assert record.models == ("v1-5-pruned-emaonly",) and record.model_hashes == (mf.A1111_MODEL_HASH,)
    assert record.loras == (Lora(name="pearlStyle", weight="0.7", hash="a1b2c3d4e5f6"),)
    assert record.version == "v1.10.1"
    settings = dict(record.settings)
    assert settings["Schedule type"] == "Karras"
    assert settings["ADetailer prompt"] == "smiling, detailed eyes"  # quoted value decoded, comma kept


def test_a1111_png_parameters(tmp_path: Path, rgb: np.ndarray) -> None:
    p = read(tmp_path, "a1111.png", mf.png_with_text(rgb, {"parameters": mf.a1111_parameters()}))
    assert_a1111_record(p, "PNG text 'parameters'")
    (chunk,) = p.text_chunks
    assert (chunk.chunk, chunk.keyword, chunk.text) == ("tEXt", "parameters", mf.a1111_parameters())
    assert p.has_metadata and not p.notes


def test_a1111_non_latin_prompt_is_itxt_and_forge_is_named(tmp_path: Path, rgb: np.ndarray) -> None:
    text = mf.a1111_parameters(prompt="桜の下の女性の肖像").replace("v1.10.1", "f2.0.1v1.10.1-previous-1-g0e8d6e2")
    p = read(tmp_path, "cjk.png", mf.png_with_text(rgb, {"parameters": text}))
    assert p.text_chunks[0].chunk == "iTXt"  # Pillow writes iTXt when Latin-1 cannot hold the text
    assert p.generation[0].prompts == ("桜の下の女性の肖像",)
    assert p.generation[0].generator == "Forge"


@pytest.mark.parametrize("writer", [mf.jpeg_with_user_comment, mf.webp_with_user_comment], ids=["jpeg", "webp"])
def test_a1111_exif_user_comment(tmp_path: Path, rgb: np.ndarray, writer) -> None:
    p = read(tmp_path, "a1111.img", writer(rgb, mf.a1111_parameters()))
    assert_a1111_record(p, "EXIF UserComment")
    assert p.exif is not None and p.exif.user_comment == mf.a1111_parameters()
    # Tags the file does not have are missing, not the text "None".
    assert (p.exif.make, p.exif.software, p.exif.datetime_original) == (None, None, None)


def test_user_comment_that_is_not_a_record_is_only_a_comment(tmp_path: Path, rgb: np.ndarray) -> None:
    p = read(tmp_path, "holiday.jpg", mf.jpeg_with_user_comment(rgb, raw=b"ASCII\x00\x00\x00Taken at the beach"))
    assert p.exif is not None and p.exif.user_comment == "Taken at the beach"
    assert p.generation == ()


def test_little_endian_user_comment_is_decoded(tmp_path: Path, rgb: np.ndarray) -> None:
    raw = b"UNICODE\x00" + "written by a little-endian tool".encode("utf-16-le")
    p = read(tmp_path, "le.jpg", mf.jpeg_with_user_comment(rgb, raw=raw))
    assert p.exif is not None and p.exif.user_comment == "written by a little-endian tool"


def test_exif_text_written_in_utf8_is_read_as_written(tmp_path: Path, rgb: np.ndarray) -> None:
    # EXIF calls these fields ASCII; most tools write UTF-8 there, and Pillow reads them byte by
    # byte: the description read "å\x8f¤è£\x85...", the padding NULs as "\x00\x00".
    import io

    exif = Image.Exif()
    exif[0x010E] = "古装女子肖像".encode()
    exif[0x013B] = "Café".encode("latin-1") + b"\x00\x00"  # Latin-1 bytes, not UTF-8: kept as they read
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", exif=exif.tobytes())
    p = read(tmp_path, "portrait.jpg", buffer.getvalue())
    assert p.exif is not None and (p.exif.description, p.exif.artist) == ("古装女子肖像", "Café")
    assert dict(p.exif.tags)["IFD0:ImageDescription"] == "古装女子肖像"


def test_comfyui_png_follows_sampler_inputs(tmp_path: Path, rgb: np.ndarray) -> None:
    prompt, workflow = mf.comfyui_graphs(seed=123456789012345, checkpoint="dreamshaper_8.safetensors")
    p = read(tmp_path, "comfy.png", mf.comfyui_png(rgb, prompt, workflow))
    (record,) = p.generation
    assert record.generator == "ComfyUI" and record.found_in == "PNG text 'prompt' and 'workflow'"
    assert record.prompts == ("portrait of a woman",) and record.negative_prompts == ("blurry, lowres",)
    assert record.seeds == ("123456789012345",)
    assert record.models == ("dreamshaper_8.safetensors",)  # reached through the LoRA loader
    assert record.loras == (Lora(name="pearlStyle.safetensors", weight="0.7"),)
    assert (record.steps, record.cfg_scale, record.sampler, record.size) == ("20", "8.0", "euler normal", "512x768")
    settings = dict(record.settings)
    assert settings["sampler nodes"] == "3 (KSampler)" and settings["workflow nodes"] == "6"
    assert [c.keyword for c in p.text_chunks] == ["prompt", "workflow"]


def test_comfyui_guider_noise_node_and_primitive_text(tmp_path: Path, rgb: np.ndarray) -> None:
    p = read(tmp_path, "flux.png", mf.comfyui_png(rgb, mf.comfyui_custom_advanced_graph()))
    (record,) = p.generation
    assert record.prompts == ("a lighthouse at dusk", "oil painting")  # through the combiner and a primitive
    assert record.negative_prompts == ("text, watermark",)
    assert record.seeds == ("987654321987654321",)  # beyond float precision: kept exact
    assert record.models == ("flux1-dev.safetensors",)
    assert (record.steps, record.cfg_scale, record.sampler, record.size) == ("28", "3.5", "euler simple", "1024x1024")


def test_comfyui_workflow_alone_still_gives_seed_model_and_texts(tmp_path: Path, rgb: np.ndarray) -> None:
    _, workflow = mf.comfyui_graphs(seed=77)
    p = read(tmp_path, "workflow-only.png", mf.comfyui_png(rgb, workflow=workflow))
    (record,) = p.generation
    assert record.seeds == ("77",) and record.models == ("v1-5-pruned-emaonly.safetensors",)
    assert record.prompts == ("portrait of a woman",) and record.negative_prompts == ("blurry, lowres",)


def test_novelai_and_invokeai(tmp_path: Path, rgb: np.ndarray) -> None:
    (nai,) = read(tmp_path, "nai.png", mf.novelai_png(rgb)).generation
    assert nai.generator == "NovelAI" and nai.prompts == ("1girl, garden",)
    assert nai.negative_prompts == ("lowres, bad anatomy",) and nai.seeds == ("3141592653",)
    assert (nai.steps, nai.cfg_scale, nai.sampler, nai.size) == ("28", "5.0", "k_euler_ancestral", "832x1216")
    assert nai.models == ("Stable Diffusion XL",) and nai.model_hashes == ("C1E1DE52",)
    (inv,) = read(tmp_path, "invoke.png", mf.invokeai_png(rgb)).generation
    assert inv.generator == "InvokeAI" and inv.prompts == ("a red fox in snow",) and inv.seeds == ("2024",)
    assert inv.models == ("juggernautXL",) and inv.model_hashes == ("blake3:abcdef0123",)
    assert inv.loras == (Lora(name="foxDetail", weight="0.6"),) and inv.version == "4.2.9"


@pytest.mark.parametrize("writer", [mf.jpeg_with_xmp, mf.png_with_xmp], ids=["jpeg", "png"])
def test_xmp_digital_source_type(tmp_path: Path, rgb: np.ndarray, writer) -> None:
    p = read(tmp_path, "xmp.img", writer(rgb, mf.xmp_packet()))
    assert p.xmp is not None
    assert p.xmp.digital_source_type == mf.TRAINED_ALGORITHMIC_MEDIA == p.digital_source_type
    assert p.xmp.creator_tool == "Image Generator 3.0" and p.xmp.creators == ("A. Artist",)
    assert p.xmp.rights == "(c) 2025 A. Artist" and p.xmp.description == mf.XMP_DESCRIPTION
    assert [(e.action, e.software_agent) for e in p.xmp.history] == [
        ("created", "Image Generator 3.0"), ("saved", "Adobe Photoshop 26.0")]
    assert ("XMP history (last)", "Adobe Photoshop 26.0") in p.writing_software()
    assert ("xmpMM:DocumentID", "xmp.did:0001") in p.xmp.properties
    assert p.text_chunks == ()  # the PNG's XMP chunk is read as XMP, not listed as text


def test_exif_camera_fields_and_gps(tmp_path: Path, rgb: np.ndarray) -> None:
    gps = {1: "S", 2: (33.0, 51.0, 54.0), 3: "E", 4: (151.0, 12.0, 36.0)}
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Canon", "Canon EOS R5", "Adobe Photoshop 26.0"
    exif.get_ifd(0x8769)[0x9003] = "2024:05:01 10:00:00"
    exif.get_ifd(0x8825).update(gps)
    path = tmp_path / "camera.jpg"
    Image.fromarray(rgb).save(path, quality=90, exif=exif.tobytes())
    p = load_evidence(path, with_provenance=True).provenance
    assert p is not None and p.exif is not None
    assert (p.exif.make, p.exif.model, p.exif.software) == ("Canon", "Canon EOS R5", "Adobe Photoshop 26.0")
    assert p.exif.datetime_original == "2024:05:01 10:00:00"
    assert p.exif.gps == pytest.approx((-(33 + 51 / 60 + 54 / 3600), 151 + 12 / 60 + 36 / 3600))
    assert ("IFD0:Make", "Canon") in p.exif.tags


def test_tiff_iptc_and_xmp_and_jpeg_comment(tmp_path: Path, rgb: np.ndarray) -> None:
    directory = TiffImagePlugin.ImageFileDirectory_v2()
    directory[700] = mf.xmp_packet()
    directory[33723] = b"\x1c\x02\x50\x00\x09A. Artist\x1c\x02\x74\x00\x0f(c) 2025 Artist"  # IIM 2:80, 2:116
    directory.tagtype[33723] = 7
    path = tmp_path / "iptc.tif"
    Image.fromarray(rgb).save(path, "TIFF", tiffinfo=directory)
    p = load_evidence(path, with_provenance=True).provenance
    assert p is not None and p.iptc == (("By-line", "A. Artist"), ("CopyrightNotice", "(c) 2025 Artist"))
    assert p.xmp is not None and p.xmp.digital_source_type == mf.TRAINED_ALGORITHMIC_MEDIA
    commented = tmp_path / "gd.jpg"
    Image.fromarray(rgb).save(commented, "JPEG", comment=b"CREATOR: gd-jpeg v1.0 (using IJG JPEG v62), quality = 80")
    p = load_evidence(commented, with_provenance=True).provenance
    assert p.writing_software() == (("JPEG comment", "CREATOR: gd-jpeg v1.0 (using IJG JPEG v62), quality = 80"),)


def test_plain_files_carry_no_metadata(tmp_path: Path, rgb: np.ndarray) -> None:
    for fmt in ("PNG", "JPEG", "TIFF", "WEBP"):
        path = tmp_path / f"plain.{fmt.lower()}"
        Image.fromarray(rgb).save(path, fmt)
        p = load_evidence(path, with_provenance=True).provenance
        assert p is not None and not p.has_metadata and p.notes == (), fmt


def test_a_file_without_c2pa_data_is_not_given_to_the_sdk(tmp_path: Path, rgb: np.ndarray,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import c2pa

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the C2PA SDK read a file that holds no C2PA data")

    monkeypatch.setattr(c2pa, "Reader", refuse)
    for fmt in ("PNG", "JPEG"):
        path = tmp_path / f"plain.{fmt.lower()}"
        Image.fromarray(rgb).save(path, fmt)
        p = load_evidence(path, with_provenance=True).provenance
        assert p is not None and p.c2pa is None and p.notes == (), fmt


def test_c2pa_signed_image_is_valid_but_not_trusted(tmp_path: Path, rgb: np.ndarray) -> None:
    signed = cf.sign(mf.png_bytes(rgb), "image/png", cf.ai_manifest("portrait.png", mf.TRAINED_ALGORITHMIC_MEDIA))
    p = read(tmp_path, "signed.png", signed)
    c = p.c2pa
    assert c is not None and c.error is None
    assert c.validation_state == "Valid" and not c.trusted and not c.hash_mismatch
    assert c.claim_generator == f"{cf.GENERATOR} 1.0" and c.title == "portrait.png"
    assert (c.signer_name, c.signer_issuer) == (cf.SIGNER_NAME, "simforensics tests")
    assert [(a.action, a.software_agent) for a in c.actions] == [("c2pa.created", "TestDiffusion 2.1")]
    assert p.digital_source_type == mf.TRAINED_ALGORITHMIC_MEDIA
    assert [f.code for f in c.failures] == ["signingCredential.untrusted"]


def test_c2pa_signed_jpeg_then_pixels_changed_is_a_hash_mismatch(tmp_path: Path, rgb: np.ndarray) -> None:
    signed_jpeg = cf.sign(fx.jpeg_bytes(rgb, 90), "image/jpeg", cf.ai_manifest("a.jpg", mf.TRAINED_ALGORITHMIC_MEDIA))
    assert read(tmp_path, "signed.jpg", signed_jpeg).c2pa.validation_state == "Valid"
    signed = cf.sign(mf.png_bytes(rgb), "image/png", cf.ai_manifest("portrait.png", mf.TRAINED_ALGORITHMIC_MEDIA))
    edited = rgb.copy()
    edited[20:60, 20:60] = (255, 0, 0)
    tampered = tmp_path / "tampered.png"
    tampered.write_bytes(cf.replace_png_image_data(signed, mf.png_bytes(edited)))
    evidence = load_evidence(tampered, with_provenance=True)
    assert np.array_equal(evidence.rgb, edited)  # the pixels really changed, the manifest did not
    c = evidence.provenance.c2pa
    assert c.validation_state == "Invalid" and c.hash_mismatch
    assert "assertion.dataHash.mismatch" in [f.code for f in c.failures]


def test_remote_manifest_is_reported_not_fetched(tmp_path: Path, rgb: np.ndarray) -> None:
    """The SDK fetches remote manifests by default; here nothing may leave the machine."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/manifest.c2pa"
        p = read(tmp_path, "remote.jpg", mf.jpeg_with_xmp(rgb, mf.xmp_packet(provenance_url=url)))
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []
    assert p.c2pa is not None and p.c2pa.validation_state is None and p.c2pa.remote_url == url
    assert "not fetched" in (p.c2pa.error or "")
    assert p.xmp is not None and p.xmp.provenance_url == url


def test_reading_provenance_never_touches_the_file(tmp_path: Path, rgb: np.ndarray) -> None:
    paths = []
    for name, data in (
        ("a.png", mf.png_with_text(rgb, {"parameters": mf.a1111_parameters()})),
        ("b.jpg", mf.jpeg_with_user_comment(rgb, mf.a1111_parameters())),
        ("c.png", cf.sign(mf.png_bytes(rgb), "image/png", cf.ai_manifest("c.png", mf.TRAINED_ALGORITHMIC_MEDIA))),
    ):
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    before = snapshot(paths)
    for path in paths:
        load_evidence(path, with_provenance=True)
    assert snapshot(paths) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.jpg", "c.png"]  # no sidecar written


def test_json_record_survives_a_round_trip(tmp_path: Path, rgb: np.ndarray) -> None:
    from simforensics.report.json_report import dumps, provenance_document

    p = read(tmp_path, "a1111.png", mf.png_with_text(rgb, {"parameters": mf.a1111_parameters()}))
    document = json.loads(dumps(provenance_document(p)))
    (record,) = document["generation"]
    assert record["seeds"] == [mf.A1111_SEED] and record["loras"][0]["name"] == "pearlStyle"
    assert document["text_chunks"][0]["keyword"] == "parameters"
