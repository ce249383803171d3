"""transformers' generate (with its key/value cache), greedy, on a benchmark model: the peer of
io.modelcat.ml.bench.GenerationBenchmark, measured the same way.

Usage: peer.py <model_dir> <prompt lengths, comma-separated> <new_tokens> <rounds> <threads>
Prints one RESULT line (JSON) per prompt length: median time to first token (a generation of one token),
median tokens/s (new tokens over the whole round), and the process's peak resident memory.
"""
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import torch
import transformers


def prompt_ids(length, vocabulary):
    return [100 + (i * 7919) % (vocabulary - 200) for i in range(length)]


def main():
    model_dir, lengths, new_tokens, rounds, threads = (sys.argv[1], [int(x) for x in sys.argv[2].split(",")],
                                                      int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    torch.set_num_threads(threads)
    transformers.utils.logging.set_verbosity_error()
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    vocabulary = model.config.vocab_size

    def generate(ids, count):
        # min_new_tokens keeps an end-of-sequence token from ending a round early, as the engine's empty EOS list.
        return model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=count, min_new_tokens=count,
                              do_sample=False, pad_token_id=0)

    with torch.inference_mode():
        for length in lengths:
            ids = torch.tensor([prompt_ids(length, vocabulary)])
            generate(ids, new_tokens)  # warm-up
            first, speeds = [], []
            for _ in range(rounds):
                started = time.perf_counter()
                generate(ids, 1)
                first.append(time.perf_counter() - started)
                started = time.perf_counter()
                out = generate(ids, new_tokens)
                seconds = time.perf_counter() - started
                speeds.append((out.shape[1] - length) / seconds)
            print("RESULT " + json.dumps({
                "framework": f"transformers {transformers.__version__}", "model": Path(model_dir).name,
                "prompt_tokens": length, "new_tokens": new_tokens, "ttft_s": round(statistics.median(first), 4),
                "tokens_per_s": round(statistics.median(speeds), 2),
                "rounds_tokens_per_s": [round(s, 2) for s in speeds],
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "threads": threads}),
                flush=True)


if __name__ == "__main__":
    main()
