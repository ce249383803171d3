"""What the engine writes of a LoRA adapter loads in peft, and its merged model in transformers alone.

$MODELCAT_ADAPTERS is a folder that ml-engine's LoraInteropTest writes: `adapter/` (the engine's adapter for the
tiny GPT-2, after a few training steps, as LoraAdapters.save writes it), `merged/` (the same model with the
adapter merged into its weights, as ModelSaver writes it) and `engine-outputs.json` (the base model's folder, the
input ids and attention mask, and the logits the engine computed with the adapter). For an encoder's classifier
(task SEQ_CLS) `adapter/` is as ModelSaver writes it, with the fine-tuned config.json (the head's labels) beside
peft's two files, and engine-outputs.json has the labels: a fine-tune whose labels are not the base's is loaded as a
user would, with that config.json's labels given to the base. job-runner's MlJobsTest writes the same from two
fine-tune jobs (one with `loraMerge`), with `hub_layout` set: the merged folder is then also checked to be a Hub
model folder with its tokenizer and generation config.

    MODELCAT_ADAPTERS=/path reference/.venv/bin/python -m pytest reference/tests/test_peft.py
"""
import json
import os
from pathlib import Path

import peft
import pytest
import tokenizers
import torch
import transformers

TOLERANCE = 1e-4
ADAPTERS = os.environ.get("MODELCAT_ADAPTERS")
pytestmark = pytest.mark.skipif(not ADAPTERS, reason="MODELCAT_ADAPTERS is not set (ml-engine's LoraInteropTest sets it)")


def engine():
    return json.loads((Path(ADAPTERS) / "engine-outputs.json").read_text(encoding="utf-8"))


def logits_of(model, outputs):
    batch = {"input_ids": torch.tensor(outputs["input_ids"]), "attention_mask": torch.tensor(outputs["attention_mask"])}
    with torch.no_grad():
        return model(**batch).logits


def assert_close(actual, outputs):
    expected = torch.tensor(outputs["logits"]["values"]).reshape(outputs["logits"]["shape"])
    assert actual.shape == expected.shape
    worst = (actual - expected).abs().max().item()
    assert worst <= TOLERANCE, f"logits differ from the engine's by up to {worst}"


def auto_class(outputs):
    """The transformers class of the engine's model: a causal LM, or (task SEQ_CLS) a sequence classifier."""
    if outputs.get("task") == "SEQ_CLS":
        return transformers.AutoModelForSequenceClassification
    return transformers.AutoModelForCausalLM


def labels_of(outputs):
    """The engine's labels by id, as transformers' id2label has them."""
    return dict(enumerate(outputs["labels"]))


def classifier_as_a_user_loads_it(outputs):
    """peft's own loader for a classifier's adapter: the base from base_model_name_or_path, then the LoRA weights
    and the head trained whole (modules_to_save). When the fine-tune's labels are not the base's, the base is built
    with the labels of the config.json the engine writes beside the adapter (peft keeps none) and a head of their
    size, which the adapter's head then replaces; that is also checked with the base loaded first, as peft's
    examples do."""
    adapter = Path(ADAPTERS) / "adapter"
    if transformers.AutoConfig.from_pretrained(outputs["base"]).id2label == labels_of(outputs):
        model = peft.AutoPeftModelForSequenceClassification.from_pretrained(adapter, attn_implementation="eager")
    else:
        tuned = transformers.AutoConfig.from_pretrained(adapter)
        if tuned.num_labels != transformers.AutoConfig.from_pretrained(outputs["base"]).num_labels:
            # Without the labels the base's head has the base's size, and the adapter's head does not fit it.
            with pytest.raises(RuntimeError):
                peft.AutoPeftModelForSequenceClassification.from_pretrained(adapter, attn_implementation="eager")
        base = transformers.AutoModelForSequenceClassification.from_pretrained(
            outputs["base"], config=tuned, ignore_mismatched_sizes=True, attn_implementation="eager")
        first = peft.PeftModel.from_pretrained(base, adapter).eval()
        assert first.config.id2label == labels_of(outputs)
        assert_close(logits_of(first, outputs), outputs)
        model = peft.AutoPeftModelForSequenceClassification.from_pretrained(
            adapter, id2label=tuned.id2label, label2id=tuned.label2id, ignore_mismatched_sizes=True,
            attn_implementation="eager")
    assert model.config.id2label == labels_of(outputs)
    assert model.config.label2id == {label: index for index, label in labels_of(outputs).items()}
    return model.eval()


def test_peft_loads_the_engines_adapter_onto_the_base_and_computes_the_engines_logits():
    outputs = engine()
    if outputs.get("task") == "SEQ_CLS":
        model = classifier_as_a_user_loads_it(outputs)
    else:
        base = transformers.AutoModelForCausalLM.from_pretrained(outputs["base"], attn_implementation="eager")
        model = peft.PeftModel.from_pretrained(base, Path(ADAPTERS) / "adapter").eval()
    config = model.peft_config["default"]
    assert config.peft_type == peft.PeftType.LORA and config.r == outputs["rank"]
    if "targets" in outputs:
        # peft adapts the layers the engine adapted, matching the same target_modules.
        assert set(config.target_modules) == set(outputs["targets"])
        adapted = sorted(name.removeprefix("base_model.model.").replace(".lora_A.default.weight", ".lora_A.weight")
                         for name, _ in model.named_parameters() if ".lora_A." in name)
        assert adapted == outputs["adapted"]
    assert_close(logits_of(model, outputs), outputs)


def test_transformers_alone_loads_the_merged_model_and_computes_the_same_logits():
    outputs = engine()
    model, loading = auto_class(outputs).from_pretrained(
        Path(ADAPTERS) / "merged", output_loading_info=True, attn_implementation="eager")
    assert not loading["missing_keys"] and not loading["unexpected_keys"], loading
    if "labels" in outputs:
        assert model.config.id2label == labels_of(outputs)
    assert_close(logits_of(model.eval(), outputs), outputs)


def test_the_merged_folder_carries_the_tokenizer_and_generation_config_of_its_base():
    outputs = engine()
    merged = Path(ADAPTERS) / "merged"
    base = Path(outputs["base"])
    tokenizer = transformers.AutoTokenizer.from_pretrained(merged)
    if (base / "tokenizer.json").exists():
        # The base's own tokenizer.json (transformers may build another tokenizer for a base folder without a
        # tokenizer_config.json, which the merged folder always has).
        expected = tokenizers.Tokenizer.from_file(str(base / "tokenizer.json")).encode("the cat sat").ids
        assert tokenizer("the cat sat")["input_ids"] == expected
    if outputs.get("hub_layout"):
        for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                     "generation_config.json"):
            assert (merged / name).is_file(), name
        assert not (merged / "adapter_config.json").exists()
    if (base / "generation_config.json").exists():
        generation = transformers.GenerationConfig.from_pretrained(merged)
        assert generation.to_dict() == transformers.GenerationConfig.from_pretrained(base).to_dict()
