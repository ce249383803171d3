#!/usr/bin/env python3
"""PyTorch + transformers side of the ML engine throughput benchmark.

Same work as io.modelcat.ml.bench.ThroughputBenchmark: a BERT-base-shaped
BertForSequenceClassification (random weights, 2 labels), full-length random token ids,
AdamW (lr 5e-5, weight decay 0.01 except biases and LayerNorm weights, as the HF Trainer),
global-norm clipping at 1.0, dropout on while training; the loss is read back every step.
TF32 is off so that "fp32" means fp32 on both sides.

    python3 bench/ml-throughput/pytorch_bench.py --batches 32,64 --out pytorch.jsonl

With --serve it builds the model once and answers commands from stdin, one per line, so that
bench/ml-throughput/cpu_compare.py can run it and the ML engine alternately on one machine:
"train <batch> <warmup> <steps>", "infer <batch> <warmup> <steps>" or "quit". It prints
"READY <json>" (versions, thread counts) once built and "RESULT <json>" per command.
"""
import argparse
import json
import os
import sys
import time

import torch
import transformers
from transformers import BertConfig, BertForSequenceClassification

VARIANTS = {
    "fp32 eager": ("eager", None),
    "fp32 sdpa": ("sdpa", None),
    "bf16 autocast eager": ("eager", torch.bfloat16),
    "bf16 autocast sdpa": ("sdpa", torch.bfloat16),
}


def batch(size, seq, vocab, device):
    ids = torch.randint(vocab, (size, seq)).to(device)
    mask = torch.ones(size, seq, dtype=torch.long).to(device)
    types = torch.zeros(size, seq, dtype=torch.long).to(device)
    labels = torch.randint(2, (size,)).to(device)
    return ids, mask, types, labels


def autocast(device, dtype):
    if dtype is None:
        return torch.autocast(device_type=device.type, enabled=False)
    return torch.autocast(device_type=device.type, dtype=dtype)


def build(attention, device):
    config = BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                        intermediate_size=3072, max_position_embeddings=512, num_labels=2)
    torch.manual_seed(0)
    try:
        model = BertForSequenceClassification._from_config(config, attn_implementation=attention)
    except TypeError:
        config._attn_implementation = attention
        model = BertForSequenceClassification(config)
    return model.to(device)


def train(model, size, warmup, steps, args, device, dtype):
    """Samples/s over the timed steps (after warmup untimed ones), first and last loss."""
    model.train()
    decay = [p for n, p in model.named_parameters() if not (n.endswith(".bias") or "LayerNorm" in n)]
    no_decay = [p for n, p in model.named_parameters() if n.endswith(".bias") or "LayerNorm" in n]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=5e-5)
    losses = []
    ends = []
    started = time.perf_counter()
    for _ in range(warmup + steps):
        ids, mask, types, labels = batch(size, args.seq, model.config.vocab_size, device)
        with autocast(device, dtype):
            loss = model(input_ids=ids, attention_mask=mask, token_type_ids=types, labels=labels).loss
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        ends.append(time.perf_counter())
    timed_from = ends[warmup - 1] if warmup > 0 else started
    return steps * size / (ends[-1] - timed_from), losses[0], losses[-1]


def infer(model, size, warmup, steps, args, device, dtype):
    model.eval()
    with torch.inference_mode():
        for step in range(warmup + steps):
            if step == warmup:
                started = time.perf_counter()
            ids, mask, types, _ = batch(size, args.seq, model.config.vocab_size, device)
            with autocast(device, dtype):
                logits = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
            logits.float().cpu()
        return steps * size / (time.perf_counter() - started)


def framework():
    return f"torch-{torch.__version__} transformers-{transformers.__version__}"


def run(variant, size, args, device):
    attention, dtype = VARIANTS[variant]
    model = build(attention, device)
    used = model.config._attn_implementation
    train_rate, first_loss, last_loss = train(model, size, args.warmup, args.train_steps, args, device, dtype)
    infer_rate = infer(model, size, args.warmup, args.infer_steps, args, device, dtype)
    del model
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return {"framework": framework(),
            "variant": variant, "attention_used": used, "clip": args.clip, "device": str(device), "batch": size, "seq": args.seq,
            "train_samples_per_s": round(train_rate, 2), "infer_samples_per_s": round(infer_rate, 2),
            "first_loss": round(first_loss, 4), "last_loss": round(last_loss, 4),
            "train_steps": args.train_steps, "infer_steps": args.infer_steps}


def serve(args, device):
    """Builds one model and runs the commands read from stdin (see the module docstring)."""
    variant = args.variants.split(",")[0]
    attention, dtype = VARIANTS[variant]
    model = build(attention, device)
    print("READY " + json.dumps({"framework": framework(), "variant": variant,
                                 "attention_used": model.config._attn_implementation,
                                 "intra_op_threads": torch.get_num_threads(),
                                 "interop_threads": torch.get_num_interop_threads(),
                                 "cores": os.cpu_count()}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            return
        mode, size, warmup, steps = words[0], int(words[1]), int(words[2]), int(words[3])
        wall, cpu = time.perf_counter(), time.process_time()
        result = {"side": "pytorch", "mode": mode, "batch": size, "seq": args.seq, "warmup": warmup, "steps": steps}
        if mode == "train":
            rate, first_loss, last_loss = train(model, size, warmup, steps, args, device, dtype)
            result.update(samples_per_s=round(rate, 3), first_loss=round(first_loss, 4), last_loss=round(last_loss, 4))
        elif mode == "infer":
            result.update(samples_per_s=round(infer(model, size, warmup, steps, args, device, dtype), 3))
        else:
            raise ValueError(f"unknown command {line!r}")
        result["cpu_busy"] = round((time.process_time() - cpu) / (time.perf_counter() - wall), 2)
        print("RESULT " + json.dumps(result), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--batches", default="32")
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--train-steps", type=int, default=30)
    parser.add_argument("--infer-steps", type=int, default=30)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--clip", type=float, default=1.0, help="global gradient-norm limit, 0 = off")
    parser.add_argument("--out")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: torch's own, one per core)")
    parser.add_argument("--serve", action="store_true", help="take commands from stdin (see the module docstring)")
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if args.threads:
        torch.set_num_threads(args.threads)
        torch.set_num_interop_threads(args.threads)
    device = torch.device(args.device)
    if args.serve:
        serve(args, device)
        return
    for variant in args.variants.split(","):
        for size in [int(b) for b in args.batches.split(",")]:
            result = run(variant, size, args, device)
            print("RESULT " + json.dumps(result), flush=True)
            if args.out:
                with open(args.out, "a") as out:
                    out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
