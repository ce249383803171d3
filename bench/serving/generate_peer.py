"""transformers' generate on the benchmark's GPT-2-small-shaped model, greedy, as the peer of ModelCat's
/v1/completions. Usage: generate_peer.py <model_dir> <prompt> <new_tokens> <rounds> <threads>
Prints one JSON line per round after a warm-up: new tokens, seconds, tokens/s."""
import json
import sys
import time

import torch
import transformers


def main():
    model_dir, prompt, new_tokens, rounds, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    tok = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir).eval()
    ids = tok(prompt, return_tensors="pt")
    with torch.inference_mode():
        model.generate(**ids, max_new_tokens=new_tokens, do_sample=False)  # warm-up
        for _ in range(rounds):
            started = time.perf_counter()
            out = model.generate(**ids, max_new_tokens=new_tokens, do_sample=False)
            seconds = time.perf_counter() - started
            made = out.shape[1] - ids["input_ids"].shape[1]
            print(json.dumps({"prompt_tokens": ids["input_ids"].shape[1], "new_tokens": made,
                              "seconds": round(seconds, 3), "tokens_per_s": round(made / seconds, 2)}), flush=True)


if __name__ == "__main__":
    main()
