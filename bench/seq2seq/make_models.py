"""Makes the summarization and translation benchmark's models, with random weights and the real shapes, in the Hub's
layout; nothing is downloaded. Both the engine and transformers load these folders.

Usage: make_models.py <out_dir> [name ...]
Names: t5-small (T5 v1.0: d_model 512, 6 + 6 layers, 8 heads of 64, d_ff 2048 with ReLU, 32,128 tokens, tied head),
opus-mt-en-de (Marian: d_model 512, 6 + 6 layers, 8 heads, FFN 2048 with swish, 58,101 tokens shared by encoder,
decoder and head, sinusoidal positions up to 512, the pad token 58,100 starting the decoder and banned from the output
as opus-mt's generation config bans it). No tokenizer: the benchmark feeds token ids. A model already written is kept.
"""
import sys
from pathlib import Path

import torch
import transformers

SHAPES = {
    "t5-small": lambda: transformers.T5Config(
        vocab_size=32128, d_model=512, d_kv=64, d_ff=2048, num_layers=6, num_decoder_layers=6, num_heads=8,
        relative_attention_num_buckets=32, relative_attention_max_distance=128, feed_forward_proj="relu",
        tie_word_embeddings=True, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0),
    "opus-mt-en-de": lambda: transformers.MarianConfig(
        vocab_size=58101, d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
        decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048, activation_function="swish",
        max_position_embeddings=512, scale_embedding=True, pad_token_id=58100, eos_token_id=0,
        decoder_start_token_id=58100, forced_eos_token_id=0, share_encoder_decoder_embeddings=True),
}
GENERATION = {
    "t5-small": dict(decoder_start_token_id=0, eos_token_id=1, pad_token_id=0),
    "opus-mt-en-de": dict(decoder_start_token_id=58100, eos_token_id=0, pad_token_id=58100, forced_eos_token_id=0,
                          bad_words_ids=[[58100]], num_beams=4, max_length=512),
}


def main():
    out = Path(sys.argv[1])
    for name in sys.argv[2:] or list(SHAPES):
        directory = out / name
        if (directory / "config.json").exists():
            print(f"{directory}: kept")
            continue
        torch.manual_seed(0)
        model = transformers.AutoModelForSeq2SeqLM.from_config(SHAPES[name](), dtype=torch.float32).eval()
        model.generation_config = transformers.GenerationConfig(**GENERATION[name])
        directory.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(directory)
        params = sum(p.numel() for p in model.parameters())
        print(f"{directory}: {type(model).__name__}, {params / 1e6:.1f}M parameters")


if __name__ == "__main__":
    main()
