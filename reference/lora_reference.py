#!/usr/bin/env python3
"""A LoRA adapter made by `peft` on the tiny GPT-2 fixture, and what `peft` computes with it.

Reads fixtures/hf-tiny/gpt2 (made by generate_fixtures.py, so run that first) and writes fixtures/lora/:
- gpt2-lora/: the adapter as `peft` saves it (adapter_config.json, adapter_model.safetensors); rank 4, alpha 8,
  no dropout, on GPT-2's c_attn and both c_proj (Conv1D, so fan_in_fan_out), initialised at random in A and B
  (init_lora_weights=False) so that the adapter changes the logits from the first step;
- reference-outputs.json: on the inputs of the gpt2 fixture, in eval mode: the logits with the adapter; one
  training step's loss (causal LM, labels as the gpt2 fixture's) and the global norm of the adapter's gradients
  (the base weights are frozen); the logits after one torch.optim.AdamW step (lr 1e-2, no weight decay) on the
  adapter; and the logits of the merged model (merge_and_unload), which must equal the adapter's.

    reference/generate.sh                                  # the documented command
    python reference/lora_reference.py --out fixtures
"""
import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import peft
import torch
import transformers

from generate_fixtures import replace_folder, tensor, write_reference

REPOSITORY = Path(__file__).resolve().parent.parent
SEED = 1234
LEARNING_RATE = 1e-2


def build(fixtures, staging):
    base_dir = fixtures / "hf-tiny" / "gpt2"
    reference = json.loads((fixtures / "hf-tiny" / "reference-outputs.json").read_text(encoding="utf-8"))
    inputs = reference["models"]["gpt2"]["inputs"]
    ids, mask = torch.tensor(inputs["input_ids"]), torch.tensor(inputs["attention_mask"])
    labels = ids.masked_fill(mask == 0, -100)

    torch.manual_seed(SEED)
    base = transformers.GPT2LMHeadModel.from_pretrained(base_dir, attn_implementation="eager").eval()
    config = peft.LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=["c_attn", "c_proj"],
                             fan_in_fan_out=True, init_lora_weights=False, task_type="CAUSAL_LM")
    model = peft.get_peft_model(base, config)
    # Where the base lives, as the catalog names it, rather than this machine's path.
    model.peft_config["default"].base_model_name_or_path = "fixtures/hf-tiny/gpt2"
    # peft keeps the targets as a set, saved in its iteration order (string hashing: another order each run).
    model.peft_config["default"].target_modules = sorted(model.peft_config["default"].target_modules)
    model.save_pretrained(staging / "gpt2-lora")
    # peft adds a blank model card naming the base by this machine's path; the adapter is its two files.
    (staging / "gpt2-lora" / "README.md").unlink()
    model.eval()

    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask).logits
    trainable = [p for p in model.parameters() if p.requires_grad]
    loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(p.grad) for p in trainable]))
    optimizer = torch.optim.AdamW(trainable, lr=LEARNING_RATE, weight_decay=0.0)
    optimizer.step()
    with torch.no_grad():
        after = model(input_ids=ids, attention_mask=mask).logits
        merged = model.merge_and_unload()(input_ids=ids, attention_mask=mask).logits
    return {
        "generator": {"script": "reference/lora_reference.py", "torch": torch.__version__,
                      "transformers": transformers.__version__, "peft": peft.__version__,
                      "python": sys.version.split()[0], "mode": "eval (dropout off), eager attention, float32"},
        "models": {"gpt2-lora": {
            "base": "gpt2", "adapter": "gpt2-lora", "trainable_parameters": len(trainable),
            "inputs": {"input_ids": inputs["input_ids"], "attention_mask": inputs["attention_mask"]},
            "logits": tensor(logits),
            "train_step": {"loss": loss.item(), "grad_norm": norm.item(), "learning_rate": LEARNING_RATE,
                           "logits_after": tensor(after)},
            "merged_logits": tensor(merged),
        }},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(REPOSITORY / "fixtures"),
                        help="folder that holds hf-tiny/ and receives lora/ (replaced whole, atomically)")
    args = parser.parse_args()
    transformers.utils.logging.disable_progress_bar()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    out = Path(args.out)
    staging = Path(tempfile.mkdtemp(prefix=".lora.", dir=out))
    try:
        write_reference(staging, build(out, staging))
        target = out / "lora"
        replace_folder(staging, target)
        print(f"wrote the LoRA adapter and its reference outputs to {target}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":
    main()
