"""What the engine exports loads in transformers, with the engine's token ids and logits.

Each folder under $MODELCAT_EXPORTS is a model the engine fine-tuned and saved (ml-engine's ExportInteropTest
writes them), with `engine-outputs.json` beside it: the texts (or question/context pairs), the token ids the
engine's tokenizer gave them, and the logits the engine computed. Here `AutoTokenizer` and the `AutoModelFor...`
class the task calls for load the folder as any transformers user would.

    MODELCAT_EXPORTS=/path/to/exports reference/.venv/bin/python -m pytest reference/tests/test_export.py
"""
import os

import pytest
import torch
import transformers

from engine_exports import assert_loaded_completely, assert_logits_match, engine_outputs, exported

TOLERANCE = 1e-4
EXPORTS = os.environ.get("MODELCAT_EXPORTS")


@pytest.mark.skipif(not EXPORTS, reason="MODELCAT_EXPORTS is not set (ml-engine's ExportInteropTest sets it)")
@pytest.mark.parametrize("directory", exported(EXPORTS), ids=lambda p: p.name)
def test_transformers_loads_the_export_with_the_same_ids_and_logits(directory):
    engine = engine_outputs(directory)
    tokenizer = transformers.AutoTokenizer.from_pretrained(directory)
    model_class = getattr(transformers, engine["auto_class"])
    model, loading = model_class.from_pretrained(directory, output_loading_info=True, attn_implementation="eager")
    model.eval()
    assert_loaded_completely(loading)

    # Token ids: each text (or pair) alone, compared with the engine's row without its padding.
    inputs = engine.get("texts") or engine["pairs"]
    for row, item in enumerate(inputs):
        encoded = tokenizer(item) if isinstance(item, str) else tokenizer(item[0], item[1])
        length = sum(engine["attention_mask"][row])
        assert encoded["input_ids"] == engine["input_ids"][row][:length], f"token ids of {item!r}"

    # Logits on the engine's own padded batch.
    batch = {"input_ids": torch.tensor(engine["input_ids"]), "attention_mask": torch.tensor(engine["attention_mask"])}
    if model.config.model_type == "bert":
        batch["token_type_ids"] = torch.tensor(engine["token_type_ids"])
    with torch.no_grad():
        output = model(**batch)
    if engine["auto_class"] == "AutoModelForQuestionAnswering":
        logits = torch.stack([output.start_logits, output.end_logits], dim=1)
    else:
        logits = output.logits
    assert_logits_match(directory, model, logits, engine["logits"], TOLERANCE)
