"""What the export checks share: the folders an ml-engine interop test wrote, read as a transformers user reads them.

Each folder holds a model the engine fine-tuned and saved, with `engine-outputs.json` beside it (what the engine
computed); the test modules beside this one say what that file holds for their models.
"""
import json
from pathlib import Path

import torch


def exported(exports):
    """The folders with an `engine-outputs.json` under `exports` (a path, or None when the variable is unset)."""
    if not exports:
        return []
    return sorted(p for p in Path(exports).iterdir() if (p / "engine-outputs.json").is_file())


def engine_outputs(directory):
    return json.loads((directory / "engine-outputs.json").read_text(encoding="utf-8"))


def assert_loaded_completely(loading):
    """`from_pretrained(..., output_loading_info=True)` found every weight it expected and none it ignored."""
    assert not loading["missing_keys"], f"weights transformers expected but the export lacks: {loading['missing_keys']}"
    assert not loading["unexpected_keys"], f"weights the export has that transformers ignores: {loading['unexpected_keys']}"


def assert_logits_match(directory, model, logits, engine_logits, tolerance):
    """transformers' logits have the engine's shape and differ from its values by less than `tolerance`."""
    expected = torch.tensor(engine_logits["values"]).reshape(engine_logits["shape"])
    assert list(logits.shape) == engine_logits["shape"], f"logits of shape {list(logits.shape)}"
    difference = (logits - expected).abs().max().item()
    print(f"{directory.name}: {type(model).__name__}, max abs logit difference {difference:.3e}")
    assert difference < tolerance, f"max abs logit difference {difference:.3e}, over {tolerance}"


def generated(sequences, eos):
    """Each row's new ids after the decoder start token, up to and including its first end-of-sequence id."""
    rows = []
    for row in sequences[:, 1:].tolist():
        rows.append(row[:row.index(eos) + 1] if eos in row else row)
    return rows
