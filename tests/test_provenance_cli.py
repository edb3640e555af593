"""`inspect` and `compare` on files with metadata, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fixtures import c2pa_fixtures as cf
from fixtures import make_fixtures as fx
from fixtures import metadata_fixtures as mf

from .conftest import snapshot

CLI = [sys.executable, "-m", "simforensics"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # A wide terminal, so that Rich does not wrap the values the tests look for.
    env = {**os.environ, "COLUMNS": "240"}
    return subprocess.run(CLI + list(args), check=False, capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("provenance")
    rgb = fx.source_image("astronaut", 200)
    edited = rgb.copy()
    edited[40:90, 40:90] = (250, 20, 20)
    signed = cf.sign(mf.png_bytes(rgb), "image/png", cf.ai_manifest("art.png", mf.TRAINED_ALGORITHMIC_MEDIA))
    contents = {
        "a1111.png": mf.png_with_text(rgb, {"parameters": mf.a1111_parameters()}),
        "a1111.jpg": mf.jpeg_with_user_comment(rgb, mf.a1111_parameters()),
        "comfy.png": mf.comfyui_png(rgb, *mf.comfyui_graphs(seed=31337)),
        "xmp.jpg": mf.jpeg_with_xmp(rgb, mf.xmp_packet()),
        "signed.png": signed,
        "tampered.png": cf.replace_png_image_data(signed, mf.png_bytes(edited)),
        "comfy-bad.png": mf.comfyui_png(rgb, prompt="{not json"),
        "c2pa-garbage.png": mf.png_with_chunks(rgb, [mf.png_chunk(b"caBX", b"\x00\x00\x00\x10jumbgarbage!")]),
    }
    paths = {}
    for name, data in contents.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    paths["stripped.jpg"] = folder / "stripped.jpg"
    Image.fromarray(fx.scaled(rgb, 0.5).rgb).save(paths["stripped.jpg"], quality=85)
    return paths


def test_inspect_json_shows_each_fixture(files: dict[str, Path]) -> None:
    order = ["a1111.png", "a1111.jpg", "comfy.png", "xmp.jpg", "signed.png", "tampered.png", "comfy-bad.png", "c2pa-garbage.png"]
    before = snapshot([files[n] for n in order])
    result = run("inspect", *(str(files[n]) for n in order), "--json", "-")
    assert result.returncode == 0, result.stderr
    assert snapshot([files[n] for n in order]) == before
    document = json.loads(result.stdout)
    assert document["schema"] == "simforensics.inspect/1" and document["errors"] == []
    by_name = {Path(i["path"]).name: i["provenance"] for i in document["images"]}
    for name in ("a1111.png", "a1111.jpg"):
        (record,) = by_name[name]["generation"]
        assert (record["generator"], record["seeds"], record["model_hashes"]) == ("AUTOMATIC1111", [mf.A1111_SEED], [mf.A1111_MODEL_HASH])
        assert record["prompts"] == [mf.A1111_PROMPT] and record["negative_prompts"] == [mf.A1111_NEGATIVE]
    assert by_name["a1111.jpg"]["generation"][0]["found_in"] == "EXIF UserComment"
    comfy = by_name["comfy.png"]["generation"][0]
    assert (comfy["generator"], comfy["seeds"], comfy["models"]) == ("ComfyUI", ["31337"], ["v1-5-pruned-emaonly.safetensors"])
    xmp = by_name["xmp.jpg"]
    assert xmp["digital_source_type_code"] == "trainedAlgorithmicMedia"
    assert xmp["xmp"]["digital_source_type"] == mf.TRAINED_ALGORITHMIC_MEDIA
    signed, tampered = by_name["signed.png"]["c2pa"], by_name["tampered.png"]["c2pa"]
    assert (signed["validation_state"], signed["trusted"], signed["hash_mismatch"]) == ("Valid", False, False)
    assert "not that the signer is known" in signed["trust_note"]
    assert signed["signature"]["common_name"] == cf.SIGNER_NAME
    assert (tampered["validation_state"], tampered["hash_mismatch"]) == ("Invalid", True)
    assert any("not valid JSON" in n for n in by_name["comfy-bad.png"]["notes"])
    garbage = by_name["c2pa-garbage.png"]["c2pa"]
    assert garbage["validation_state"] is None and "unreadable" in garbage["error"]


def test_inspect_terminal_view(files: dict[str, Path]) -> None:
    result = run("inspect", str(files["a1111.png"]), str(files["comfy.png"]), str(files["signed.png"]),
                 str(files["tampered.png"]), str(files["xmp.jpg"]))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for text in (mf.XMP_DESCRIPTION, 
        "AI GENERATION RECORD: AUTOMATIC1111", mf.A1111_SEED, mf.A1111_MODEL_HASH, "pearlStyle (0.7)",
        "AI GENERATION RECORD: ComfyUI", "portrait of a woman", "C2PA CONTENT CREDENTIALS",
        "Valid (not trusted", "MISMATCH: the file was changed after it was signed", "trainedAlgorithmicMedia",
    ):
        assert text in out, text
    assert "Traceback" not in result.stderr


def test_compare_json_carries_both_sides_and_the_diff(files: dict[str, Path]) -> None:
    result = run("compare", str(files["a1111.png"]), str(files["stripped.jpg"]), "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "simforensics.compare/1"
    assert document["verdict"]["label"] == "near-duplicate"  # the contract's fields are untouched
    assert document["original"]["provenance"]["generation"][0]["seeds"] == [mf.A1111_SEED]
    assert document["copy"]["provenance"]["has_metadata"] is False
    findings = {f["code"]: f for f in document["metadata_diff"]["findings"]}
    assert {"copy-stripped", "generation-record-removed", "format-changed"} <= findings.keys()
    seed_row = next(f for f in document["metadata_diff"]["fields"] if f["field"] == "AI record: seed")
    assert seed_row == {"field": "AI record: seed", "status": "only-original", "original": mf.A1111_SEED, "copy": None}


def test_compare_terminal_has_a_metadata_block(files: dict[str, Path]) -> None:
    result = run("compare", str(files["signed.png"]), str(files["tampered.png"]))
    assert result.returncode == 0, result.stderr
    assert "Metadata (what the two files' metadata share and what differs)" in result.stdout
    for code in ("original-c2pa-valid", "copy-c2pa-hash-mismatch", "same-c2pa-manifest"):
        assert code in result.stdout, code
    assert np.any(np.asarray(Image.open(files["tampered.png"])) != np.asarray(Image.open(files["signed.png"])))
