"""Fuzzing of image intake and the metadata readers, bounded for CI, and the crashes it found.

The long run is ``python -m benchmarks.fuzz`` (README); this runs a fixed, small sample of the
same property on every commit, and replays each crash the fuzzer found.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fixtures.fuzz_inputs import MAX_PIXELS, apply_mutations, mutations, seed_files
from simforensics import thresholds as T
from simforensics.errors import EvidenceError
from simforensics.evidence import load_evidence
from simforensics.scan.decode import read_reduced
from simforensics.scan.jobs import extract


def _read(path: Path) -> None:
    """Read as compare/inspect and as scan do; only a one-line refusal may come out."""
    for read in (lambda: load_evidence(path, max_pixels=MAX_PIXELS, with_provenance=True),
                 lambda: read_reduced(path, side=T.SCAN_VERIFY_SIDE, max_pixels=MAX_PIXELS)):
        try:
            read()
        except EvidenceError as exc:
            assert exc.reason and "\n" not in exc.reason
    # Scan's feature path (grey decode, features, cache bytes): a bad file comes back as an error.
    extracted = extract((str(path), MAX_PIXELS))
    assert (extracted.features is None) != (extracted.error is None)
    assert extracted.error is None or "\n" not in extracted.error


@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=mutations())
def test_mutated_files_are_read_or_refused_never_crash(tmp_path: Path, case: tuple[str, list[tuple]]) -> None:
    name, ops = case
    path = tmp_path / "fuzzed"
    path.write_bytes(apply_mutations(seed_files()[name], ops))
    _read(path)


@pytest.mark.parametrize(("seed", "ops"), [
    # Found by benchmarks.fuzz: a cut animated GIF made Pillow's frame count raise IndexError.
    ("plain.gif", [("cut", 0.75), ("cut", 0.6875)]),
])
def test_crashes_the_fuzzer_found(tmp_path: Path, seed: str, ops: list[tuple]) -> None:
    path = tmp_path / "crash"
    path.write_bytes(apply_mutations(seed_files()[seed], ops))
    _read(path)


def test_a_damaged_tiff_gives_one_line_and_no_library_chatter(tmp_path: Path) -> None:
    path = tmp_path / "damaged.tiff"
    path.write_bytes(apply_mutations(seed_files()["plain.tiff"], [("cut", 0.5)]))
    done = subprocess.run([sys.executable, "-m", "simforensics", "inspect", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 3
    assert len(done.stderr.strip().splitlines()) == 1 and str(path) in done.stderr, done.stderr


def test_comfyui_node_ids_with_non_ascii_digits() -> None:
    # Found by Hypothesis in test_provenance_hostile: "¹".isdigit() is true, int("¹") raises.
    import json

    from simforensics.provenance.comfyui import parse_comfyui

    graph = {"¹": {"class_type": "KSampler", "inputs": {"seed": 5}}, "2": {"class_type": "CheckpointLoaderSimple",
                                                                           "inputs": {"ckpt_name": "m.safetensors"}}}
    notes: list[str] = []
    record = parse_comfyui({"prompt": json.dumps(graph)}, notes)
    # The sampler under the odd id is still read, by its id as written, and nothing is lost.
    assert record is not None and record.generator == "ComfyUI"
    assert record.seeds == ("5",)
    assert ("sampler nodes", "¹ (KSampler)") in record.settings
    assert notes == []
