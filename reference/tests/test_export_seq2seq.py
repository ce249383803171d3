"""What the engine exports after fine-tuning an encoder-decoder loads in transformers and generates the same.

Each folder under $MODELCAT_EXPORTS is a T5 or BART model the engine fine-tuned and saved (ml-engine's
Seq2SeqExportInteropTest writes them), with `engine-outputs.json` beside it: the source and target texts, the token ids
the engine's tokenizer gave them, the teacher-forced logits the engine computed for a decoder batch, and the ids the
engine generated greedily and with 4 beams (each row's new ids after the decoder start token, up to and including the
first end token). Here `AutoTokenizer` and `AutoModelForSeq2SeqLM` load the folder as any transformers user would, and
`generate` runs with the export's own generation config and the same beams and new-token count.

    MODELCAT_EXPORTS=/path/to/exports reference/.venv/bin/python -m pytest reference/tests/test_export_seq2seq.py
"""
import os

import pytest
import torch
import transformers

from engine_exports import assert_loaded_completely, assert_logits_match, engine_outputs, exported, generated

TOLERANCE = 1e-4
EXPORTS = os.environ.get("MODELCAT_EXPORTS")


@pytest.mark.skipif(not EXPORTS, reason="MODELCAT_EXPORTS is not set (ml-engine's Seq2SeqExportInteropTest sets it)")
@pytest.mark.parametrize("directory", exported(EXPORTS), ids=lambda p: p.name)
def test_transformers_loads_the_export_with_the_same_ids_logits_and_generations(directory):
    engine = engine_outputs(directory)
    tokenizer = transformers.AutoTokenizer.from_pretrained(directory)
    model, loading = transformers.AutoModelForSeq2SeqLM.from_pretrained(directory, output_loading_info=True,
                                                                       attn_implementation="eager")
    model.eval()
    assert_loaded_completely(loading)

    # Token ids: each source alone (the engine's row without its right padding), and each target.
    for row, text in enumerate(engine["texts"]):
        length = sum(engine["attention_mask"][row])
        assert tokenizer(text)["input_ids"] == engine["input_ids"][row][:length], f"token ids of {text!r}"
        assert engine["input_ids"][row][length:] == [model.config.pad_token_id] * (len(engine["input_ids"][row]) - length)
    for text, ids in zip(engine["targets"], engine["target_ids"]):
        assert tokenizer(text_target=text)["input_ids"] == ids, f"target ids of {text!r}"

    # Teacher forcing on the engine's own padded batch.
    inputs = {"input_ids": torch.tensor(engine["input_ids"]), "attention_mask": torch.tensor(engine["attention_mask"])}
    with torch.no_grad():
        logits = model(**inputs, decoder_input_ids=torch.tensor(engine["decoder_input_ids"])).logits
    assert_logits_match(directory, model, logits, engine["logits"], TOLERANCE)

    # Greedy and beam-4 generation with the export's generation_config.json, as a user's generate() call runs it.
    eos = model.generation_config.eos_token_id
    eos = eos[0] if isinstance(eos, list) else eos
    for search in ("greedy", "beam4"):
        settings = engine[search]
        with torch.no_grad():
            sequences = model.generate(**inputs, do_sample=False, num_beams=settings["num_beams"],
                                       max_new_tokens=settings["max_new_tokens"])
        ours = generated(sequences, eos)
        print(f"{directory.name} {search}: {ours}")
        assert ours == settings["generated_ids"], f"{search} ids"
