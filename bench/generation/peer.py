"""transformers' generate (with its key/value cache), greedy, on a benchmark model: the peer of
io.modelcat.ml.bench.GenerationBenchmark, measured the same way.

Usage: peer.py <model_dir> <prompt lengths, comma-separated> <new_tokens> <rounds> <threads> [score_top]
Prints one RESULT line (JSON) per prompt length: median time to first token (a generation of one token),
median tokens/s (new tokens over the whole round), and the process's peak resident memory; then one per prompt
length for scoring the prompt, as an evaluation harness's loglikelihood request and an OpenAI-compatible server's
echo with logprobs do: one pass, log-softmax at each position, the prompt's next token's log-probability and the
likeliest <score_top> (default 5), each as its vocabulary entry (convert_ids_to_tokens: no decoding, no offsets).
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
    top = int(sys.argv[6]) if len(sys.argv) > 6 else 5
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
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

            def score():
                logprobs = torch.log_softmax(model(ids, attention_mask=torch.ones_like(ids)).logits[0, :-1].float(), -1)
                chosen = logprobs.gather(1, ids[0, 1:, None])[:, 0].tolist()
                best = logprobs.topk(top, dim=-1)
                tokens = tokenizer.convert_ids_to_tokens(ids[0].tolist())
                candidates = [list(zip(tokenizer.convert_ids_to_tokens(row), values))
                              for row, values in zip(best.indices.tolist(), best.values.tolist())]
                return tokens, chosen, candidates

            score()  # warm-up
            scoring = []
            for _ in range(rounds):
                started = time.perf_counter()
                score()
                scoring.append(time.perf_counter() - started)
            print("RESULT " + json.dumps({
                "framework": f"transformers {transformers.__version__}", "model": Path(model_dir).name,
                "prompt_tokens": length, "score_top": top, "score_s": round(statistics.median(scoring), 4),
                "scored_tokens_per_s": round(length / statistics.median(scoring), 1),
                "rounds_score_s": [round(s, 4) for s in scoring],
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "threads": threads}),
                flush=True)


if __name__ == "__main__":
    main()
