"""The metadata diff of a pair: what the two files' metadata share, what differs, what it means."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fixtures import c2pa_fixtures as cf
from fixtures import make_fixtures as fx
from fixtures import metadata_fixtures as mf
from simforensics.evidence import load_evidence
from simforensics.metadata_diff import MetadataDiff, diff_metadata
from simforensics.provenance import Provenance


@pytest.fixture(scope="module")
def rgb() -> np.ndarray:
    return fx.source_image("coffee", 128)


@pytest.fixture()
def provenance_of(tmp_path: Path):
    def read(name: str, data: bytes) -> Provenance:
        path = tmp_path / name
        path.write_bytes(data)
        p = load_evidence(path, with_provenance=True).provenance
        assert p is not None
        return p

    return read


def codes(diff: MetadataDiff) -> list[str]:
    return [f.code for f in diff.findings]


def finding(diff: MetadataDiff, code: str):
    return next(f for f in diff.findings if f.code == code)


def field(diff: MetadataDiff, name: str):
    return next(f for f in diff.fields if f.field == name)


def test_copy_stripped_of_a_generation_record(provenance_of, rgb: np.ndarray) -> None:
    original = provenance_of("a1111.png", mf.png_with_text(rgb, {"parameters": mf.a1111_parameters()}))
    copy = provenance_of("copy.jpg", fx.jpeg_bytes(rgb, 85))
    diff = diff_metadata(original, copy)
    assert codes(diff)[:1] == ["copy-stripped"]
    assert {"generation-record-removed", "format-changed"} <= set(codes(diff))
    assert "PNG text chunks" in finding(diff, "copy-stripped").original
    assert finding(diff, "generation-record-removed").original == f"AUTOMATIC1111, seed {mf.A1111_SEED}"
    seed = field(diff, "AI record: seed")
    assert (seed.status, seed.original, seed.copy) == ("only-original", mf.A1111_SEED, None)
    assert field(diff, "file format").status == "changed"


def test_same_seed_and_model_hash_across_formats(provenance_of, rgb: np.ndarray) -> None:
    original = provenance_of("a1111.png", mf.png_with_text(rgb, {"parameters": mf.a1111_parameters()}))
    copy = provenance_of("a1111.jpg", mf.jpeg_with_user_comment(rgb, mf.a1111_parameters()))
    diff = diff_metadata(original, copy)
    assert "same-seed-and-model-hash" in codes(diff) and "same-prompt" in codes(diff)
    assert "copy-stripped" not in codes(diff) and "different-seed" not in codes(diff)
    assert finding(diff, "same-seed-and-model-hash").copy == f"seed {mf.A1111_SEED}, model hash {mf.A1111_MODEL_HASH}"
    assert field(diff, "AI record: seed").status == "same"
    assert field(diff, "AI record: found in").status == "changed"  # PNG text vs EXIF UserComment


def test_different_seed_same_model(provenance_of, rgb: np.ndarray) -> None:
    original = provenance_of("a.png", mf.png_with_text(rgb, {"parameters": mf.a1111_parameters()}))
    copy = provenance_of("b.png", mf.png_with_text(rgb, {"parameters": mf.a1111_parameters(seed="42", prompt="another prompt")}))
    diff = diff_metadata(original, copy)
    assert {"different-seed", "same-model-hash", "different-prompt"} <= set(codes(diff))
    assert (finding(diff, "different-seed").original, finding(diff, "different-seed").copy) == (mf.A1111_SEED, "42")


def test_software_that_re_encoded_the_copy(provenance_of, rgb: np.ndarray) -> None:
    original = provenance_of("camera.jpg", mf.jpeg_with_exif(rgb, {0x010F: "Canon", 0x0110: "EOS R5", 0x0131: "Firmware 1.8"},
                                                               {0x9003: "2024:05:01 10:00:00"}))
    copy = provenance_of("edited.jpg", mf.jpeg_with_exif(rgb, {0x010F: "Canon", 0x0110: "EOS R5", 0x0131: "Adobe Photoshop 26.0"},
                                                           {0x9003: "2024:05:01 10:00:00"}, quality=70))
    diff = diff_metadata(original, copy)
    assert "copy-software" in codes(diff) and "format-changed" not in codes(diff)
    assert finding(diff, "copy-software").copy == "EXIF Software: Adobe Photoshop 26.0"
    assert {"same-camera", "same-capture-time"} <= set(codes(diff))
    software = field(diff, "EXIF Software")
    assert (software.status, software.original, software.copy) == ("changed", "Firmware 1.8", "Adobe Photoshop 26.0")


def test_c2pa_manifest_whose_hash_no_longer_matches(provenance_of, rgb: np.ndarray) -> None:
    signed = cf.sign(mf.png_bytes(rgb), "image/png", cf.ai_manifest("art.png", mf.TRAINED_ALGORITHMIC_MEDIA))
    edited = rgb.copy()
    edited[:30, :30] = 0
    original = provenance_of("signed.png", signed)
    copy = provenance_of("tampered.png", cf.replace_png_image_data(signed, mf.png_bytes(edited)))
    diff = diff_metadata(original, copy)
    assert {"original-c2pa-valid", "copy-c2pa-hash-mismatch", "same-c2pa-manifest", "same-source-type"} <= set(codes(diff))
    assert "assertion.dataHash.mismatch" in finding(diff, "copy-c2pa-hash-mismatch").meaning
    assert "not that the signer is known" in finding(diff, "original-c2pa-valid").meaning
    assert field(diff, "C2PA validation").original == "Valid" and field(diff, "C2PA validation").copy == "Invalid"


def test_c2pa_removed_and_declared_ai_lost(provenance_of, rgb: np.ndarray) -> None:
    signed = cf.sign(mf.png_bytes(rgb), "image/png", cf.ai_manifest("art.png", mf.TRAINED_ALGORITHMIC_MEDIA))
    original = provenance_of("signed.png", signed)
    copy = provenance_of("reposted.png", mf.png_bytes(rgb))
    diff = diff_metadata(original, copy)
    assert {"copy-stripped", "c2pa-removed", "source-type-changed"} <= set(codes(diff))
    assert finding(diff, "source-type-changed").original == "trainedAlgorithmicMedia"
    assert finding(diff, "source-type-changed").copy is None


def test_neither_or_only_the_copy_carries_metadata(provenance_of, rgb: np.ndarray) -> None:
    plain = provenance_of("plain.png", mf.png_bytes(rgb))
    assert codes(diff_metadata(plain, plain)) == ["no-metadata"]
    comfy = provenance_of("comfy.png", mf.comfyui_png(rgb, *mf.comfyui_graphs()))
    diff = diff_metadata(plain, comfy)
    assert codes(diff)[:1] == ["original-stripped"] and "generation-record-only-in-copy" in codes(diff)
    assert all(f.status == "only-copy" for f in diff.fields if f.field.startswith("AI record"))


def test_identical_files_differ_in_nothing(provenance_of, rgb: np.ndarray) -> None:
    data = mf.jpeg_with_xmp(rgb, mf.xmp_packet())
    diff = diff_metadata(provenance_of("a.jpg", data), provenance_of("b.jpg", data))
    assert diff.fields and all(f.status == "same" for f in diff.fields)
    assert "copy-software" not in codes(diff) and "same-source-type" in codes(diff)
