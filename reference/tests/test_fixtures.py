"""The committed fixtures are what the generators in reference/ make: nothing in fixtures/ is hand-edited.

Regenerates everything into a temporary folder and compares it with fixtures/: models, configs and tokenizers
byte for byte (they follow from fixed seeds); the JSON files of computed outputs value by value. Numbers are
compared to 1e-5 of the largest magnitude in their list (or of the number itself, alone): another CPU's kernels sum
float32 terms in another order (this one without AVX2 rounds hidden states differently from one with it by up to
about 1e-6 of the tensor's scale), while a changed generator changes them at the scale itself. Their provenance
headers (library versions) are not compared. After changing a generator, run reference/generate.sh and commit fixtures/.
"""
import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
FIXTURES = REPOSITORY / "fixtures"
PROVENANCE = {"generator", "header"}


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


TOLERANCE = 1e-5


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def differences(made, committed, where="", scale=None):
    """Paths at which two parsed JSON documents differ; numbers to TOLERANCE of their list's scale (see above)."""
    if isinstance(made, bool) or isinstance(committed, bool) or isinstance(made, str) or made is None:
        return [] if made == committed else [where]
    if isinstance(made, int) and isinstance(committed, int):
        return [] if made == committed else [f"{where}: {made} != {committed}"]   # ids and counts: exactly
    if is_number(made) and is_number(committed):
        bound = TOLERANCE * max(abs(committed), scale or 0.0, 1e-4)
        return [] if abs(made - committed) <= bound else [f"{where}: {made} != {committed}"]
    if isinstance(made, dict) and isinstance(committed, dict):
        if made.keys() != committed.keys():
            return [f"{where}: keys {sorted(made)} != {sorted(committed)}"]
        return [d for key in made if not (where == "" and key in PROVENANCE)
                for d in differences(made[key], committed[key], f"{where}/{key}")]
    if isinstance(made, list) and isinstance(committed, list):
        if len(made) != len(committed):
            return [f"{where}: {len(made)} items != {len(committed)}"]
        numbers = [abs(b) for b in committed if is_number(b)]
        scale = max(numbers) if numbers else None
        return [d for i, (a, b) in enumerate(zip(made, committed)) for d in differences(a, b, f"{where}[{i}]", scale)]
    return [f"{where}: {made!r} != {committed!r}"]


def assert_same(made_root, committed_root):
    assert files_under(made_root) == files_under(committed_root)
    for name in files_under(made_root):
        made, committed = made_root / name, committed_root / name
        if name.endswith("reference-outputs.json") or name.endswith("reference-metrics.json"):
            found = differences(json.loads(made.read_text(encoding="utf-8")),
                                json.loads(committed.read_text(encoding="utf-8")))
            assert not found, f"{name} differs from what the generator makes: {found[:10]}"
        else:
            assert filecmp.cmp(made, committed, shallow=False), f"{name} differs from what the generator makes"


def test_tiny_models_and_their_reference_outputs_are_what_the_generator_makes(tmp_path):
    subprocess.run([sys.executable, str(REPOSITORY / "reference/generate_fixtures.py"), "--out", str(tmp_path)],
                   check=True)
    assert_same(tmp_path / "hf-tiny", FIXTURES / "hf-tiny")


def test_metric_reference_values_are_what_the_generator_makes(tmp_path):
    output = tmp_path / "metrics" / "reference-metrics.json"
    subprocess.run([sys.executable, str(REPOSITORY / "reference/metrics_reference.py"), "--output", str(output)],
                   check=True)
    assert_same(tmp_path / "metrics", FIXTURES / "metrics")


def test_lora_adapter_and_its_reference_outputs_are_what_the_generator_makes(tmp_path):
    # It reads the committed tiny GPT-2, which the first test shows is what its generator makes.
    shutil.copytree(FIXTURES / "hf-tiny", tmp_path / "hf-tiny")
    subprocess.run([sys.executable, str(REPOSITORY / "reference/lora_reference.py"), "--out", str(tmp_path)],
                   check=True)
    assert_same(tmp_path / "lora", FIXTURES / "lora")
