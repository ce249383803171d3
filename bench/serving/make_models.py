"""Makes the serving benchmark's models, with random weights, in the Hub's layout; nothing is downloaded.

Usage: make_models.py <out_dir>
Writes <out_dir>/{bert-base,distilbert,gpt2-small}/ (config.json, model.safetensors, tokenizer.json,
tokenizer_config.json) and <out_dir>/texts.json (the classification text, 128 tokens with [CLS] and [SEP], and
the generation prompt). The shapes are the real ones (BERT-base: 12 layers, hidden 768, 12 heads, 30,522 tokens;
DistilBERT: 6 layers; GPT-2 small: 12 layers, 768, 50,257 tokens); the tokenizer is a WordPiece built here
whose vocabulary is a few hundred English words, the letters, and filler tokens up to the model's size, so
that every word of the texts is one token and the timings do not depend on a trained vocabulary.
"""
import json
import sys
from pathlib import Path

import torch
import transformers
from tokenizers import Tokenizer, decoders
from tokenizers.models import WordPiece
from tokenizers.normalizers import BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer
from tokenizers.processors import TemplateProcessing

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """the a an and or but of to in on at for with by from as is was are were be been it this that these
those i you he she we they me him her us them my your his its our their movie film story plot cast acting
actor actress director scene scenes music score ending beginning middle time times year years day night
good great bad poor fine best worst better worse long short slow fast dull boring fun funny sad happy
love loved like liked hate hated enjoy enjoyed watch watched see saw seen think thought feel felt
really very quite too so much more most less least never always often sometimes again still just only
not no yes all some any every each many few one two three first last new old big small high low
character characters dialogue screen camera light dark color sound voice performance performances role
roles family friend friends house city world life death war peace man woman child children people
beautiful ugly strong weak clever stupid simple complex wonderful terrible awful amazing perfect
interesting predictable original familiar cheap expensive real fake true false whole part half end
make made take took give gave come came go went get got know knew say said tell told find found
""".split()
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
PUNCTUATION = [".", ",", "!", "?", ";", ":", "'", "-"]


def vocabulary(size, last=None):
    words = SPECIAL + list(dict.fromkeys(WORDS + LETTERS + ["##" + c for c in LETTERS] + PUNCTUATION))
    fill = size - len(words) - (1 if last else 0)
    words += [f"tok{i}" for i in range(fill)] + ([last] if last else [])
    assert len(words) == size
    return {w: i for i, w in enumerate(words)}


def wordpiece(vocab, template):
    tok = Tokenizer(WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = BertNormalizer()
    tok.pre_tokenizer = BertPreTokenizer()
    if template:
        tok.post_processor = TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
                                                special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tok.decoder = decoders.WordPiece()
    tok.add_special_tokens(SPECIAL)
    return tok


def save(model, tok, special, directory):
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)  # safetensors
    transformers.PreTrainedTokenizerFast(tokenizer_object=tok, **special).save_pretrained(directory)


def main():
    out = Path(sys.argv[1])
    torch.manual_seed(0)
    labels = dict(num_labels=2, id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
    wp_special = dict(unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")

    bert_vocab = vocabulary(30522)
    bert_tok = wordpiece(bert_vocab, template=True)
    bert = transformers.BertForSequenceClassification(transformers.BertConfig(
        vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
        max_position_embeddings=512, **labels)).eval()
    save(bert, bert_tok, wp_special, out / "bert-base")
    distil = transformers.DistilBertForSequenceClassification(transformers.DistilBertConfig(
        vocab_size=30522, dim=768, n_layers=6, n_heads=12, hidden_dim=3072, max_position_embeddings=512,
        **labels)).eval()
    save(distil, bert_tok, wp_special, out / "distilbert")

    eos = "<|endoftext|>"
    gpt_tok = wordpiece(vocabulary(50257, last=eos), template=False)
    gpt_tok.add_special_tokens([eos])
    gpt = transformers.GPT2LMHeadModel(transformers.GPT2Config(
        vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12, bos_token_id=50256,
        eos_token_id=50256)).eval()
    save(gpt, gpt_tok, dict(bos_token=eos, eos_token=eos, unk_token="[UNK]"), out / "gpt2-small")

    # 126 words, each one token: 128 with [CLS] and [SEP], the benchmark's sequence length.
    words = [w for w in WORDS if w.isalpha()]
    text = " ".join(words[(i * 7) % len(words)] for i in range(126))
    assert len(bert_tok.encode(text).ids) == 128, len(bert_tok.encode(text).ids)
    prompt = "the movie was good and the cast was great but the ending was slow"
    (out / "texts.json").write_text(json.dumps({"classify": text, "prompt": prompt,
                                                "prompt_tokens": len(gpt_tok.encode(prompt).ids)}))
    print(f"models and texts in {out}")


if __name__ == "__main__":
    main()
