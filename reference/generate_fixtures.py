#!/usr/bin/env python3
"""Builds the tiny Hugging Face models that the Java tests use, and what `transformers` computes for them.

Every model is made by `transformers` from a small config with a fixed seed and random weights (nothing is
downloaded), saved in the Hub's layout (config.json, model.safetensors, tokenizer.json and, for causal LMs,
generation_config.json), and run in eval mode on fixed inputs. `reference-outputs.json` holds, per model:
the inputs (texts and the token ids the tokenizer gives), the logits of its head, the last hidden state of
its body, one training step's loss and gradient global norm (dropout off), and for causal LMs the ids of a
greedy generation.

The first three models (bert, distilbert, gpt2) are the original November 2026 fixtures: same configs, same
seed, same order, same tokenizer, so they come out bit for bit as they were. The others give every head the
engine supports a checkpoint of its own.

    reference/generate.sh                       # the documented command: venv, then this script
    python reference/generate_fixtures.py --out fixtures
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import safetensors
import tokenizers
import torch
import transformers
from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
from tokenizers.models import BPE, WordPiece
from tokenizers.normalizers import BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer
from tokenizers.processors import TemplateProcessing
from tokenizers.trainers import BpeTrainer

REPOSITORY = Path(__file__).resolve().parent.parent

# The sentence of the original fixtures, then a shorter one so that every batch has padding.
SENTENCES = ["the cat sat on the mat.", "a dog was good"]
QUESTIONS = [("where is the cat?", "the cat sat on the mat."), ("what was good?", "a movie was good , a dog was bad")]
GREEDY_NEW_TOKENS = 8

ORIGINAL_WORDS = ("[PAD] [UNK] [CLS] [SEP] [MASK] the a cat dog sat on mat good bad movie was is . , ##s".split()
                  + list("bcdefghijklmnopqrstuvwxyz"))
# The newer WordPiece fixtures add the words that questions need, so that they are not all [UNK].
MORE_WORDS = ["?", "where", "what", "##ed", "##ing"]
BPE_CORPUS = SENTENCES + [q for pair in QUESTIONS for q in pair] + [
    "the movie was bad.", "a cat is on the mat, the dog is not.", "good dogs sat; bad cats ran!",
    "where was the movie? what is good?", "Ünïcödé and CJK 猫 text, too."]


def original_wordpiece():
    """The tokenizer of the original fixtures: its pair template has no special tokens, kept as it was."""
    tok = Tokenizer(WordPiece({t: i for i, t in enumerate(ORIGINAL_WORDS)}, unk_token="[UNK]"))
    tok.normalizer = BertNormalizer()
    tok.pre_tokenizer = BertPreTokenizer()
    tok.post_processor = TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return tok


def bert_wordpiece():
    """BERT's real layout: [CLS] A [SEP] B [SEP] with token types, special tokens recognised in text."""
    words = ORIGINAL_WORDS + MORE_WORDS
    tok = Tokenizer(WordPiece({t: i for i, t in enumerate(words)}, unk_token="[UNK]"))
    tok.normalizer = BertNormalizer()
    tok.pre_tokenizer = BertPreTokenizer()
    tok.post_processor = TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
                                            special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tok.decoder = decoders.WordPiece()
    tok.add_special_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    return tok


def byte_level_bpe(special, roberta_template):
    """A byte-level BPE trained on a few sentences, as RoBERTa's and GPT-2's tokenizers are made."""
    tok = Tokenizer(BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = BpeTrainer(vocab_size=320, min_frequency=1, show_progress=False, special_tokens=special,
                         initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(BPE_CORPUS, trainer=trainer)
    if roberta_template:
        tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")),
                                                          ("<s>", tok.token_to_id("<s>")), add_prefix_space=False)
        # RoBERTa's mask swallows the space before it, as roberta-base's tokenizer does.
        tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True)])
    return tok


ROBERTA_SPECIAL = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
GPT2_SPECIAL = ["<|endoftext|>"]
SPECIAL_TOKENS = {
    "wordpiece": dict(unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]"),
    "roberta": dict(bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>", cls_token="<s>",
                    sep_token="</s>", mask_token="<mask>"),
    "gpt2": dict(bos_token="<|endoftext|>", eos_token="<|endoftext|>", unk_token="<|endoftext|>"),
}

TINY = dict(num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)


def bert_config(t, vocab, **extra):
    return t.BertConfig(hidden_size=32, vocab_size=vocab, max_position_embeddings=64, **TINY, **extra)


def distilbert_config(t, vocab, **extra):
    return t.DistilBertConfig(dim=32, n_layers=2, n_heads=4, hidden_dim=64, vocab_size=vocab,
                              max_position_embeddings=64, **extra)


def roberta_config(t, vocab, **extra):
    # RoBERTa spends pad_token_id + 1 position rows on its offset: 64 usable positions.
    return t.RobertaConfig(hidden_size=32, vocab_size=vocab, max_position_embeddings=66, type_vocab_size=1,
                           pad_token_id=1, bos_token_id=0, eos_token_id=2, **TINY, **extra)


def gpt2_config(t, vocab, **extra):
    return t.GPT2Config(vocab_size=vocab, n_positions=64, n_embd=32, n_layer=2, n_head=4, use_cache=False, **extra)


# name, transformers class, config, tokenizer kind, inputs kind. The first three are the original fixtures,
# made one after the other after a single manual_seed(0), as they were; each newer one has its own seed.
ORIGINALS = [
    ("bert", "BertForSequenceClassification", lambda t, v: bert_config(t, v, num_labels=2), "original", "texts"),
    ("distilbert", "DistilBertForTokenClassification", lambda t, v: distilbert_config(t, v, num_labels=3), "original",
     "texts"),
    ("gpt2", "GPT2LMHeadModel", lambda t, v: gpt2_config(t, v), "original", "texts"),
]
HEADS = [
    ("bert-token-classification", "BertForTokenClassification", lambda t, v: bert_config(t, v, num_labels=3),
     "wordpiece", "texts"),
    ("bert-masked-lm", "BertForMaskedLM", lambda t, v: bert_config(t, v), "wordpiece", "masked"),
    ("bert-question-answering", "BertForQuestionAnswering", lambda t, v: bert_config(t, v), "wordpiece", "pairs"),
    ("distilbert-sequence-classification", "DistilBertForSequenceClassification",
     lambda t, v: distilbert_config(t, v, num_labels=2), "wordpiece", "texts"),
    ("distilbert-masked-lm", "DistilBertForMaskedLM", lambda t, v: distilbert_config(t, v), "wordpiece", "masked"),
    ("distilbert-question-answering", "DistilBertForQuestionAnswering", lambda t, v: distilbert_config(t, v),
     "wordpiece", "pairs"),
    ("roberta-sequence-classification", "RobertaForSequenceClassification",
     lambda t, v: roberta_config(t, v, num_labels=2), "roberta", "texts"),
    ("roberta-token-classification", "RobertaForTokenClassification",
     lambda t, v: roberta_config(t, v, num_labels=3), "roberta", "texts"),
    ("roberta-masked-lm", "RobertaForMaskedLM", lambda t, v: roberta_config(t, v), "roberta", "masked"),
    ("roberta-question-answering", "RobertaForQuestionAnswering", lambda t, v: roberta_config(t, v), "roberta",
     "pairs"),
    # <|endoftext|> is the byte-level tokenizer's only special token: id 0.
    ("gpt2-question-answering", "GPT2ForQuestionAnswering",
     lambda t, v: gpt2_config(t, v, bos_token_id=0, eos_token_id=0, pad_token_id=0), "gpt2", "pairs"),
]


class Fixture:
    """One tiny model: built, saved, and run on its inputs."""

    def __init__(self, name, class_name, make_config, tokenizer_kind, inputs_kind, tokenizer):
        self.name, self.class_name, self.tokenizer_kind, self.inputs_kind = name, class_name, tokenizer_kind, inputs_kind
        self.tokenizer = tokenizer
        config = make_config(transformers, tokenizer.get_vocab_size())
        self.model = getattr(transformers, class_name)._from_config(config, attn_implementation="eager")

    def save(self, directory):
        self.model.save_pretrained(directory)
        if self.tokenizer_kind == "original":
            # The original fixtures have tokenizer.json alone, as they had; the exporter must cope with that.
            self.tokenizer.save(str(directory / "tokenizer.json"))
        else:
            # As a tokenizer saved by transformers is on the Hub: tokenizer.json beside tokenizer_config.json.
            transformers.PreTrainedTokenizerFast(tokenizer_object=self.tokenizer,
                                                 **SPECIAL_TOKENS[self.tokenizer_kind]).save_pretrained(directory)

    # --- inputs ---------------------------------------------------------------------------------------------
    def mask_token(self):
        return "<mask>" if self.tokenizer_kind == "roberta" else "[MASK]"

    def pad_id(self):
        pad = self.model.config.pad_token_id
        return 0 if pad is None else pad

    def encode(self):
        """The batch as the tokenizer makes it, padded on the right with the model's pad id."""
        if self.inputs_kind == "pairs":
            encodings = [self.tokenizer.encode(q, c) for q, c in QUESTIONS]
            texts = {"pairs": [list(p) for p in QUESTIONS]}
        else:
            sentences = SENTENCES
            if self.inputs_kind == "masked":
                mask = self.mask_token()
                sentences = ["the cat " + mask + " on the mat.", "a " + mask + " was good"]
            encodings = [self.tokenizer.encode(s) for s in sentences]
            texts = {"texts": sentences}
        length = max(len(e.ids) for e in encodings)
        ids = [e.ids + [self.pad_id()] * (length - len(e.ids)) for e in encodings]
        mask = [[1] * len(e.ids) + [0] * (length - len(e.ids)) for e in encodings]
        types = [e.type_ids + [0] * (length - len(e.ids)) for e in encodings]
        special = [e.special_tokens_mask + [1] * (length - len(e.ids)) for e in encodings]
        return texts, ids, mask, types, special, encodings

    def model_inputs(self, ids, mask, types):
        inputs = {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask)}
        if self.model.config.model_type == "bert":
            inputs["token_type_ids"] = torch.tensor(types)
        return inputs

    # --- targets for one training step, aligned with the logits (-100: ignored) -------------------------------
    def targets(self, ids, mask, special, encodings):
        rows = len(ids)
        if self.class_name.endswith("ForSequenceClassification"):
            return [1, 0][:rows], {"labels": torch.tensor([1, 0][:rows])}
        if self.class_name.endswith("ForTokenClassification"):
            labels = [[-100 if special[r][p] else (p % self.model.config.num_labels) for p in range(len(ids[r]))]
                      for r in range(rows)]
            return labels, {"labels": torch.tensor(labels)}
        if self.class_name.endswith("ForQuestionAnswering"):
            # The answer is the context's last two tokens before the template's closing tokens.
            starts, ends = [], []
            for e in encodings:
                context = [p for p, s in enumerate(e.sequence_ids) if s == 1]
                starts.append(context[-2]), ends.append(context[-1])
            return [[s, e] for s, e in zip(starts, ends)], {"start_positions": torch.tensor(starts),
                                                            "end_positions": torch.tensor(ends)}
        if self.class_name.endswith("ForMaskedLM"):
            # Every real token predicts itself, a mask the word it hides: "sat", then "dog".
            mask_id = self.tokenizer.token_to_id(self.mask_token())
            hidden = [self.tokenizer.encode(w, add_special_tokens=False).ids[0] for w in
                      (["sat", "dog"] if self.tokenizer_kind != "roberta" else [" sat", " dog"])]
            labels = []
            for r in range(rows):
                row = []
                for p, token in enumerate(ids[r]):
                    row.append(hidden[r] if token == mask_id else (-100 if special[r][p] else token))
                labels.append(row)
            return labels, {"labels": torch.tensor(labels)}
        # Causal LM: transformers shifts the labels itself; the engine's position t predicts token t + 1.
        labels = [[token if mask[r][p] else -100 for p, token in enumerate(ids[r])] for r in range(rows)]
        shifted = [row[1:] + [-100] for row in labels]
        return shifted, {"labels": torch.tensor(labels)}

    def run(self):
        model = self.model.eval()
        texts, ids, mask, types, special, encodings = self.encode()
        inputs = self.model_inputs(ids, mask, types)
        with torch.no_grad():
            output = model(**inputs)
            hidden = model.base_model(**inputs).last_hidden_state
        if self.class_name.endswith("ForQuestionAnswering"):
            # The engine's layout: (batch, 2, seq), start logits then end logits.
            logits = torch.stack([output.start_logits, output.end_logits], dim=1)
        else:
            logits = output.logits
        targets, label_args = self.targets(ids, mask, special, encodings)
        model.zero_grad()
        loss = model(**inputs, **label_args).loss
        loss.backward()
        grads = [p.grad for p in model.parameters() if p.grad is not None]
        norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
        model.zero_grad()
        result = {
            "class": self.class_name,
            "inputs": dict(texts, input_ids=ids, attention_mask=mask, token_type_ids=types),
            "logits": tensor(logits),
            "last_hidden_state": tensor(hidden),
            "train_step": {"targets": targets, "loss": loss.item(), "grad_norm": norm.item()},
        }
        if self.class_name in ("GPT2LMHeadModel",):
            prompt = ids[0][:sum(mask[0])]
            with torch.no_grad():
                generated = model.generate(torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt),
                                           dtype=torch.long), max_new_tokens=GREEDY_NEW_TOKENS, do_sample=False,
                                           pad_token_id=self.pad_id())
            result["greedy"] = {"prompt_ids": prompt, "max_new_tokens": GREEDY_NEW_TOKENS,
                                "generated_ids": generated[0, len(prompt):].tolist()}
        return result


def tensor(t):
    return {"shape": list(t.shape), "values": [float(v) for v in t.detach().to(torch.float32).flatten().tolist()]}


def build():
    tokenizers_by_kind = {"original": original_wordpiece(), "wordpiece": bert_wordpiece(),
                          "roberta": byte_level_bpe(ROBERTA_SPECIAL, True), "gpt2": byte_level_bpe(GPT2_SPECIAL, False)}
    fixtures = []
    torch.manual_seed(0)
    for spec in ORIGINALS:
        fixtures.append(Fixture(*spec, tokenizers_by_kind[spec[3]]))
    for seed, spec in enumerate(HEADS, start=1):
        torch.manual_seed(seed)
        fixtures.append(Fixture(*spec, tokenizers_by_kind[spec[3]]))
    return fixtures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(REPOSITORY / "fixtures"),
                        help="folder that receives hf-tiny/ (replaced whole, atomically)")
    args = parser.parse_args()
    transformers.utils.logging.disable_progress_bar()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".hf-tiny.", dir=out))
    try:
        reference = {
            "generator": {"script": "reference/generate_fixtures.py", "torch": torch.__version__,
                          "transformers": transformers.__version__, "tokenizers": tokenizers.__version__,
                          "safetensors": safetensors.__version__, "python": sys.version.split()[0],
                          "mode": "eval (dropout off), eager attention, float32"},
            "models": {},
        }
        for fixture in build():
            fixture.save(staging / fixture.name)
            reference["models"][fixture.name] = fixture.run()
        with open(staging / "reference-outputs.json", "w", encoding="utf-8") as f:
            json.dump(reference, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        target = out / "hf-tiny"
        old = out / ".hf-tiny.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
        print(f"wrote {len(reference['models'])} models and their reference outputs to {target}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":
    main()
