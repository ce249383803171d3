"""An encoder-decoder the engine fine-tuned and exported loads in transformers and generates what the engine generated.

Each folder under $MODELCAT_MARIAN_EXPORTS is a model the engine fine-tuned and saved in the Hub's layout (ml-engine's
MarianExportInteropTest writes them), with `engine-outputs.json` beside it: source texts and the ids the engine's
tokenizer gave them, target texts and their label ids, and per search the settings and the ids and texts the engine
generated for the sources as one padded batch. Here `AutoTokenizer` and `AutoModelForSeq2SeqLM` load the folder as
any transformers user would (for Marian: MarianTokenizer from source.spm, target.spm and vocab.json).

    MODELCAT_MARIAN_EXPORTS=/path/to/exports reference/.venv/bin/python -m pytest reference/tests/test_export_marian.py
"""
import os

import pytest
import torch
import transformers

from engine_exports import assert_loaded_completely, engine_outputs, exported, generated

EXPORTS = os.environ.get("MODELCAT_MARIAN_EXPORTS")


@pytest.mark.skipif(not EXPORTS, reason="MODELCAT_MARIAN_EXPORTS is not set (MarianExportInteropTest sets it)")
@pytest.mark.parametrize("directory", exported(EXPORTS), ids=lambda p: p.name)
def test_transformers_loads_the_export_and_generates_as_the_engine(directory):
    engine = engine_outputs(directory)
    tokenizer = transformers.AutoTokenizer.from_pretrained(directory)
    assert type(tokenizer).__name__ == engine["tokenizer_class"]
    model, loading = transformers.AutoModelForSeq2SeqLM.from_pretrained(directory, output_loading_info=True,
                                                                         attn_implementation="eager")
    model.eval()
    assert_loaded_completely(loading)

    for text, ids in zip(engine["sources"], engine["source_ids"]):
        assert tokenizer(text)["input_ids"] == ids, f"source ids of {text!r}"
    for text, ids in zip(engine["targets"], engine["target_ids"]):
        assert tokenizer(text_target=text)["input_ids"] == ids, f"target ids of {text!r}"

    inputs = tokenizer(engine["sources"], return_tensors="pt", padding=True)
    eos = model.config.eos_token_id
    for name, search in engine["searches"].items():
        with torch.no_grad():
            output = model.generate(**inputs, do_sample=False, **search["settings"])
        assert generated(output, eos) == search["generated_ids"], f"{name}: generated ids"
        assert tokenizer.batch_decode(output, skip_special_tokens=True) == search["generated_text"], f"{name}: texts"
        print(f"{directory.name} {name}: {search['generated_text']}")
