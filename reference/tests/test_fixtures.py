"""The committed fixtures are what the generators in reference/ make: nothing in fixtures/ is hand-edited.

Regenerates everything into a temporary folder and compares it with fixtures/: models, configs and tokenizers
byte for byte (they follow from fixed seeds); the JSON files of computed outputs value by value, numbers to a
relative 1e-6, since another CPU may round float32 sums differently in the last bits. Their provenance headers
(library versions) are not compared. After changing a generator, run reference/generate.sh and commit fixtures/.
"""
import filecmp
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
FIXTURES = REPOSITORY / "fixtures"
PROVENANCE = {"generator", "header"}


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def differences(made, committed, where=""):
    """Paths at which two parsed JSON documents differ, numbers compared to a relative 1e-6."""
    if isinstance(made, bool) or isinstance(committed, bool) or isinstance(made, str) or made is None:
        return [] if made == committed else [where]
    if isinstance(made, (int, float)) and isinstance(committed, (int, float)):
        return [] if math.isclose(made, committed, rel_tol=1e-6, abs_tol=1e-9) else [f"{where}: {made} != {committed}"]
    if isinstance(made, dict) and isinstance(committed, dict):
        if made.keys() != committed.keys():
            return [f"{where}: keys {sorted(made)} != {sorted(committed)}"]
        return [d for key in made if not (where == "" and key in PROVENANCE)
                for d in differences(made[key], committed[key], f"{where}/{key}")]
    if isinstance(made, list) and isinstance(committed, list):
        if len(made) != len(committed):
            return [f"{where}: {len(made)} items != {len(committed)}"]
        return [d for i, (a, b) in enumerate(zip(made, committed)) for d in differences(a, b, f"{where}[{i}]")]
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
