"""A LoRA fine-tune registered in ModelCat is a PEFT repository of ModelCat's Hub API (/hub): peft loads the adapter and
its base model from ModelCat with HF_ENDPOINT and HF_TOKEN set, and the loaded model scores texts as the engine did.

$MODELCAT_HUB_PEFT_CASE is a JSON file that system-tests' HubSystemTest writes: the adapter's repository id, its base
model's repository id and commit, and an evaluation of the adapter version by the engine: each text with its
perplexity, and the pooled loss (mean next-token NLL) over all of them. HF_TOKEN is a contributor's token.

    HF_ENDPOINT=http://host:port/hub HF_TOKEN=mc_pat_... MODELCAT_HUB_PEFT_CASE=/path/case.json \
        reference/.venv/bin/python -m pytest reference/tests/test_hub_peft.py
"""
import hashlib
import json
import math
import os
from pathlib import Path

import huggingface_hub
import peft
import pytest
import torch
import transformers
from huggingface_hub import HfApi, hf_hub_download, snapshot_download

TOLERANCE = 1e-4
CASE = os.environ.get("MODELCAT_HUB_PEFT_CASE")
pytestmark = pytest.mark.skipif(not CASE, reason="MODELCAT_HUB_PEFT_CASE is not set (system-tests' HubSystemTest sets it)")


def case():
    return json.loads(Path(CASE).read_text(encoding="utf-8"))


def negative_log_likelihood(model, tokenizer, text):
    """The summed next-token NLL of a text (natural log, in float64 as the engine sums it) and the tokens predicted."""
    ids = tokenizer(text, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0, :-1].to(torch.float64)
    targets = ids[0, 1:]
    nll = -torch.log_softmax(logits, dim=-1).gather(-1, targets.unsqueeze(-1)).sum().item()
    return nll, len(targets)


def assert_scores_as_the_engine(model, tokenizer, c):
    total, tokens = 0.0, 0
    for row in c["rows"]:
        nll, predicted = negative_log_likelihood(model, tokenizer, row["text"])
        total, tokens = total + nll, tokens + predicted
        difference = abs(nll / predicted - math.log(row["perplexity"]))
        assert difference <= TOLERANCE, f"{row['text']!r}: the mean NLL differs from the engine's by {difference}"
    assert abs(total / tokens - c["loss"]) <= TOLERANCE, (total / tokens, c["loss"])


def test_adapter_config_names_the_base_by_its_repository_id_and_commit():
    c = case()
    config = json.loads(Path(hf_hub_download(c["adapter"], "adapter_config.json")).read_text(encoding="utf-8"))
    assert config["base_model_name_or_path"] == c["base"]
    assert config["revision"] == c["baseCommit"]
    assert config["peft_type"] == "LORA" and config["task_type"] == "CAUSAL_LM"
    loaded = peft.PeftConfig.from_pretrained(c["adapter"])
    assert loaded.base_model_name_or_path == c["base"] and loaded.revision == c["baseCommit"]


def test_snapshot_download_fetches_the_adapter_with_its_sizes_and_hashes(tmp_path):
    c = case()
    folder = Path(snapshot_download(c["adapter"], cache_dir=tmp_path))
    info = HfApi().model_info(c["adapter"], files_metadata=True)
    assert info.library_name == "peft"
    names = {s.rfilename for s in info.siblings}
    assert {"adapter_config.json", "adapter_model.safetensors", "README.md"} <= names
    assert "model.safetensors" not in names
    for sibling in info.siblings:
        path = folder / sibling.rfilename
        assert path.stat().st_size == sibling.size, sibling.rfilename
        if sibling.lfs is not None:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sibling.lfs.sha256, sibling.rfilename
    # The base is named by its repository here, never by its folder on the server.
    assert json.loads((folder / "adapter_config.json").read_text())["base_model_name_or_path"] == c["base"]


def test_auto_peft_model_loads_the_adapter_and_its_base_from_modelcat_and_scores_as_the_engine():
    c = case()
    model = peft.AutoPeftModelForCausalLM.from_pretrained(c["adapter"]).eval()
    assert isinstance(model, peft.PeftModel)
    assert model.peft_config["default"].r == c["rank"]
    tokenizer = transformers.AutoTokenizer.from_pretrained(c["adapter"])
    assert_scores_as_the_engine(model, tokenizer, c)


def test_peft_model_on_a_base_loaded_by_transformers_scores_the_same():
    c = case()
    base = transformers.AutoModelForCausalLM.from_pretrained(c["base"], revision=c["baseCommit"]).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(c["adapter"])
    # The adapter matters: the base alone scores the texts otherwise, so matching the engine means it was applied.
    moved = max(abs(nll / predicted - math.log(row["perplexity"]))
                for row in c["rows"] for nll, predicted in [negative_log_likelihood(base, tokenizer, row["text"])])
    assert moved > 100 * TOLERANCE, f"the adapter moves the mean NLL by {moved} only"
    model = peft.PeftModel.from_pretrained(base, c["adapter"]).eval()
    assert_scores_as_the_engine(model, tokenizer, c)


def test_the_adapter_has_a_peft_model_card_naming_its_base():
    c = case()
    card = huggingface_hub.ModelCard.load(c["adapter"])
    assert card.data.library_name == "peft"
    assert card.data.base_model == c["base"]
    assert card.data.pipeline_tag == "text-generation"
    assert {"lora", "peft", "base_model:adapter:" + c["base"]} <= set(card.data.tags)
