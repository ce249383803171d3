"""transformers' side of the summarization and translation benchmark, measured as io.modelcat.ml.bench.Seq2SeqBenchmark
measures the engine (the same ids, settings and threads).

Usage:
  peer.py train <model_dir> <batch> <source_tokens> <target_tokens> <warmup_steps> <steps> <threads>
  peer.py generate <model_dir> <source_tokens> <new_tokens> <beams> <rounds> <threads>
train: teacher-forced steps as transformers' Seq2SeqTrainer takes them (the labels' cross-entropy, AdamW at 1e-4
without weight decay, clipping at 1.0); dropout off, as the engine trains (it has no dropout yet). Prints the median
samples/s of the timed steps.
generate: one input at a time, `generate` with num_beams beams and exactly new_tokens new tokens (min_new_tokens =
max_new_tokens, so that a random model's end token ends no round early), length penalty 1, the model's generation
config otherwise. Prints the median seconds per input over the timed rounds, after one untimed round of 4 new
tokens.
One RESULT line (JSON) each, with the process's peak resident memory.
"""
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import torch
import transformers

# The untimed round's new tokens: enough to run every path once (the encoder, the first step, a cached step).
WARMUP_TOKENS = 4


def ids(length, vocabulary, shift=0):
    """The benchmark's fixed, varied ids below the vocabulary size (Seq2SeqBenchmark.ids makes the same)."""
    return [100 + ((i + shift) * 7919) % (vocabulary - 200) for i in range(length)]


def source(length, vocabulary, eos, shift=0):
    return ids(length - 1, vocabulary, shift) + [eos]


def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def train(model_dir, batch, source_tokens, target_tokens, warmup, steps, threads):
    model = transformers.AutoModelForSeq2SeqLM.from_pretrained(model_dir, dtype=torch.float32, dropout_rate=0.0)
    model.train()
    config = model.config
    vocabulary, eos = config.vocab_size, config.eos_token_id
    inputs = torch.tensor([source(source_tokens, vocabulary, eos, row) for row in range(batch)])
    labels = torch.tensor([source(target_tokens, vocabulary, eos, 1000 + row) for row in range(batch)])
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)
    speeds, losses = [], []
    for step in range(warmup + steps):
        started = time.perf_counter()
        loss = model(input_ids=inputs, attention_mask=torch.ones_like(inputs), labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        seconds = time.perf_counter() - started
        losses.append(loss.item())
        if step >= warmup:
            speeds.append(batch / seconds)
    return {"mode": "train", "batch": batch, "source_tokens": source_tokens, "target_tokens": target_tokens,
            "samples_per_s": round(statistics.median(speeds), 3), "steps_samples_per_s": [round(s, 3) for s in speeds],
            "first_loss": round(losses[0], 4), "last_loss": round(losses[-1], 4)}


def generate(model_dir, source_tokens, new_tokens, beams, rounds, threads):
    model = transformers.AutoModelForSeq2SeqLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    config = model.config
    inputs = torch.tensor([source(source_tokens, config.vocab_size, config.eos_token_id)])
    times, out = [], None
    with torch.inference_mode():
        for round_ in range(rounds + 1):
            count = WARMUP_TOKENS if round_ == 0 else new_tokens
            started = time.perf_counter()
            out = model.generate(input_ids=inputs, attention_mask=torch.ones_like(inputs), do_sample=False,
                                 num_beams=beams, max_new_tokens=count, min_new_tokens=count,
                                 length_penalty=1.0, early_stopping=False)
            if round_ > 0:
                times.append(time.perf_counter() - started)
    return {"mode": "generate", "source_tokens": source_tokens, "new_tokens": out.shape[1] - 1, "beams": beams,
            "s_per_input": round(statistics.median(times), 3), "rounds_s": [round(t, 3) for t in times],
            "first_ids": out[0, 1:9].tolist()}


def main():
    mode, model_dir, *numbers = sys.argv[1:]
    numbers = [int(n) for n in numbers]
    threads = numbers[-1]
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    transformers.utils.logging.set_verbosity_error()
    result = train(model_dir, *numbers) if mode == "train" else generate(model_dir, *numbers)
    result.update({"framework": f"transformers {transformers.__version__} (torch {torch.__version__})",
                   "model": Path(model_dir).name, "threads": threads, "peak_rss_mib": peak()})
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
