"""LoRA fine-tuning with transformers + peft on a benchmark model: the peer of
io.modelcat.ml.bench.LoraTrainingBenchmark, measured the same way (random token ids with next-token labels, rank 8,
alpha 16, dropout 0.05 on peft's default layers, AdamW at 1e-4 without weight decay, clipping at 1, train mode).

Usage: lora_peer.py <model_dir> <batch> <seq> <warmup> <steps> <threads>
Prints one RESULT line (JSON): training tokens/s over the timed steps and the process's peak resident memory.
"""
import json
import resource
import sys
import time
from pathlib import Path

import peft
import torch
import transformers


def main():
    model_dir, batch, seq, warmup, steps, threads = sys.argv[1], *map(int, sys.argv[2:7])
    torch.set_num_threads(threads)
    transformers.utils.logging.set_verbosity_error()
    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    model = peft.get_peft_model(model, peft.LoraConfig(r=8, lora_alpha=16, lora_dropout=0.05, task_type="CAUSAL_LM"))
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    vocabulary = model.config.vocab_size
    losses, ends = [], []
    for _ in range(warmup + steps):
        ids = torch.randint(0, vocabulary, (batch, seq))
        loss = model(input_ids=ids, attention_mask=torch.ones_like(ids), labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        ends.append(time.perf_counter())
    seconds = ends[-1] - ends[warmup - 1]
    print("RESULT " + json.dumps({
        "framework": f"transformers {transformers.__version__} + peft {peft.__version__}", "model": Path(model_dir).name,
        "batch": batch, "seq": seq, "steps": steps, "train_tokens_per_s": round(steps * batch * seq / seconds, 1),
        "trainable_parameters": sum(p.numel() for p in params), "first_loss": round(losses[0], 3),
        "last_loss": round(losses[-1], 3),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "threads": threads}), flush=True)


if __name__ == "__main__":
    main()
