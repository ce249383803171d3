"""The committed fixtures are exactly what the generators in reference/ make: nothing in fixtures/ is hand-edited.

Regenerates everything into a temporary folder and compares it, file by file and byte by byte, with fixtures/.
After changing a generator, run reference/generate.sh and commit what changed.
"""
import filecmp
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
FIXTURES = REPOSITORY / "fixtures"


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_tiny_models_and_their_reference_outputs_are_what_the_generator_makes(tmp_path):
    subprocess.run([sys.executable, str(REPOSITORY / "reference/generate_fixtures.py"), "--out", str(tmp_path)],
                   check=True)
    made, committed = tmp_path / "hf-tiny", FIXTURES / "hf-tiny"
    assert files_under(made) == files_under(committed)
    different = [name for name in files_under(made) if not filecmp.cmp(made / name, committed / name, shallow=False)]
    assert not different, f"fixtures/hf-tiny differs from what reference/generate_fixtures.py makes: {different}"
