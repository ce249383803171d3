"""Makes the generation benchmark's models, with random weights and the real shapes, in the Hub's layout;
nothing is downloaded.

Usage: make_models.py <out_dir> [name ...]
Names: gpt2-small (GPT-2, 124M: 12 layers, 768 wide, 50,257 tokens), smollm2-135m (Llama: 30 layers, 576
wide, 9 heads over 3 key/value heads, 49,152 tokens, tied embeddings), qwen2.5-0.5b (Qwen2: 24 layers, 896
wide, 14 heads over 2 key/value heads, q/k/v biases, 151,936 tokens, tied embeddings). The tokenizer is a
word-level one with filler tokens up to the model's vocabulary: the benchmark feeds token ids, so only its
presence matters. A model already written is kept.
"""
import json
import sys
from pathlib import Path

import torch
import transformers
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import WhitespaceSplit

SHAPES = {
    "gpt2-small": lambda: transformers.GPT2Config(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12,
                                                  n_head=12),
    "smollm2-135m": lambda: transformers.LlamaConfig(
        vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9,
        num_key_value_heads=3, max_position_embeddings=8192, rope_theta=100000.0, rms_norm_eps=1e-5,
        tie_word_embeddings=True, bos_token_id=1, eos_token_id=2),
    "qwen2.5-0.5b": lambda: transformers.Qwen2Config(
        vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
        num_key_value_heads=2, max_position_embeddings=32768, rope_theta=1000000.0, rms_norm_eps=1e-6,
        tie_word_embeddings=True, bos_token_id=151643, eos_token_id=151643),
}


def tokenizer(size):
    vocab = {"<unk>": 0}
    vocab.update({f"t{i}": i for i in range(1, size)})
    tok = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = WhitespaceSplit()
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>")


def main():
    out = Path(sys.argv[1])
    names = sys.argv[2:] or list(SHAPES)
    for name in names:
        directory = out / name
        if (directory / "config.json").exists():
            print(f"{directory}: kept")
            continue
        torch.manual_seed(0)
        config = SHAPES[name]()
        model = transformers.AutoModelForCausalLM.from_config(config, dtype=torch.float32).eval()
        directory.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(directory)
        tokenizer(config.vocab_size).save_pretrained(directory)
        params = sum(p.numel() for p in model.parameters())
        print(f"{directory}: {type(model).__name__}, {params / 1e6:.1f}M parameters")


if __name__ == "__main__":
    main()
