#!/usr/bin/env python3
"""Builds the tiny Hugging Face models that the Java tests use, and what `transformers` computes for them.

Every model is made by `transformers` from a small config with a fixed seed and random weights (nothing is
downloaded), saved in the Hub's layout (config.json, model.safetensors, tokenizer.json and, for causal LMs,
generation_config.json), and run in eval mode on fixed inputs. `reference-outputs.json` holds, per model:
the inputs (texts and the token ids the tokenizer gives), the logits of its head, the last hidden state of
its body, one training step's loss and gradient global norm (dropout off), and for causal LMs the ids of a
greedy generation. The two chat models (gpt2-chat-*) also carry a chat template, and their entry holds what
`apply_chat_template(..., tokenize=False)` renders for a few conversations, with and without the generation
prompt, and the token ids of each rendering.

The Llama-family decoders (llama with Llama 3 rope scaling and grouped-query attention, mistral with a sliding
window, qwen2 with q/k/v biases, tied embeddings and a sliding window in its upper layer, qwen3 with q/k norms and
an explicit head size, saved as shards) also record a greedy generation of both texts as one batch padded on the
left (`greedy_batch`). They come last, each with its own seed, so that the models before them are unchanged.

The encoder-decoder models (t5-v1_0 with a ReLU feed-forward and a tied, rescaled head; t5-v1_1 with gated GELU and
its own lm_head.weight, saved as flan-t5 is on the Hub; bart with DistilBART's fewer decoder layers and a
generation_config.json of summarisation settings; marian with sinusoidal positions and opus-mt's pad-as-start and
banned pad) work on token ids alone. Their outputs are in
`seq2seq-reference-outputs.json`: teacher-forced logits of a right-padded encoder batch, and the ids that greedy and
beam searches under transformers' logits processors generate for it. They come last, each with its own seed. t5-v1_0
and t5-v1_1 then get a tiny SentencePiece Unigram tokenizer (Metaspace, "</s>" appended) and bart a byte-level BPE, both
trained here; `seq2seq-tokenizers.json` holds what transformers' tokenizer gives for a few texts (ids, pieces, decodes)
and the texts t5-v1_0 generates for prefixed inputs ("summarize: ...", "translate English to German: ..."). marian
gets opus-mt's tokenizer files instead of a tokenizer.json: source.spm and target.spm (SentencePiece Unigram models
trained here with the sentencepiece package), vocab.json, tokenizer_config.json and special_tokens_map.json;
`marian-tokenizer.json` holds what transformers' MarianTokenizer gives with them (pieces and ids of sources and
targets, decodes) and the texts the model translates with it, greedy and with beams.

The first three models (bert, distilbert, gpt2) are the original November 2026 fixtures: same configs, same
seed, same order, same tokenizer, so they come out bit for bit as they were. The others give every head the
engine supports a checkpoint of its own.

    reference/generate.sh                       # the documented command: venv, then this script
    python reference/generate_fixtures.py --out fixtures
"""
import argparse
import copy
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import safetensors
import sentencepiece
import safetensors.torch
import tokenizers
import torch
import transformers
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import BPE, Unigram, WordPiece
from tokenizers.normalizers import BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer
from tokenizers.processors import TemplateProcessing
from tokenizers.trainers import BpeTrainer, UnigramTrainer

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


# Chat models: a tiny GPT-2 whose byte-level BPE knows a chat format's special tokens, with a chat template.
# ChatML as Qwen2.5 writes it (a default system message, tools, tool calls and tool answers), kept whole.
CHATML_TEMPLATE = """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\\n<tool_call>\\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- message.content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
"""
# Llama 3's template (bos_token, a filter inside a concatenation), with a role check that raises as Mistral's do.
LLAMA3_TEMPLATE = ("{% set loop_messages = messages %}{% for message in loop_messages %}"
                   "{% if message['role'] not in ['system', 'user', 'assistant'] %}"
                   "{{ raise_exception('Only system, user and assistant roles are supported, not ' + message['role']) }}"
                   "{% endif %}"
                   "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
                   "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
                   "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
                   "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}")
# Other models' templates and what else templates use, rendered by transformers with the ChatML model's tokenizer
# (a conversation a template refuses is recorded with the error it raises).
EXTRA_TEMPLATES = {
    # SmolLM2-Instruct's (tokenizer_config.json of HuggingFaceTB/SmolLM2-*-Instruct): ChatML with its own default
    # system message.
    "smollm2": ("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
                "{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\\n' }}"
                "{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
                "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"),
    # Mistral-7B-Instruct-v0.1's and Mixtral-8x7B-Instruct-v0.1's: [INST] turns, roles that must alternate (a
    # system message is refused).
    "mistral-instruct": ("{{ bos_token }}{% for message in messages %}"
                         "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
                         "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
                         "{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
                         "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}"
                         "{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"),
    # Loop controls (jinja2.ext.loopcontrols), tojson with its options, namespace, slicing and a block tag.
    "loop-controls-and-tojson": (
        "{%- set ns = namespace(seen=0) %}\n"
        "{%- for message in messages[:-1] %}\n"
        "    {%- if message.role == 'system' %}{% continue %}{% endif %}\n"
        "    {%- set ns.seen = ns.seen + 1 %}\n"
        "    {{- message | tojson }}\n"
        "    {{- '|' + (message.content | tojson(indent=2)) + '|' }}\n"
        "    {%- if ns.seen >= 2 %}{% break %}{% endif %}\n"
        "{%- endfor %}\n"
        "{{- '#' ~ ns.seen ~ ' last: ' + messages[-1]['content'] | upper }}\n"
        "{%- if add_generation_prompt %}{% generation %}<|im_start|>assistant\n{% endgeneration %}{% endif %}"),
}
CHAT_SPECIAL = {
    "chatml": ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
    "llama3": ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
}
CHAT_TOKENS = {
    "chatml": dict(eos_token="<|im_end|>", pad_token="<|endoftext|>"),
    "llama3": dict(bos_token="<|begin_of_text|>", eos_token="<|eot_id|>"),
}
CONVERSATIONS = [
    [{"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is 2+2?"},
     {"role": "assistant", "content": "4"}, {"role": "user", "content": "  And 3+3?\n"}],
    [{"role": "user", "content": "Ünïcödé 猫 {{ not a tag }} {% raw %} \"quoted\"\n\tend"},
     {"role": "assistant", "content": ""}, {"role": "user", "content": "more"}],
]
# Refused by the Llama-style template's role check.
REFUSED_CONVERSATION = [{"role": "user", "content": "hi"}, {"role": "tool", "content": "42"}]
CHATS = [
    # name, chat format, the template, whether it is saved in tokenizer_config.json (as on many Hub repos)
    # rather than in chat_template.jinja (what transformers 5 writes)
    ("gpt2-chat-chatml", "chatml", CHATML_TEMPLATE, False),
    ("gpt2-chat-llama3", "llama3", LLAMA3_TEMPLATE, True),
]


# Llama-family decoders (made after everything above, each with its own seed). <|endoftext|> (id 0) is their bos,
# eos and pad token, so that padding rows of the embedding get no gradient (nn.Embedding's padding_idx).
DECODER_TOKENS = dict(bos_token_id=0, eos_token_id=0, pad_token_id=0)


def llama_config(t, vocab):
    # Llama 3.1's rope scaling on a small scale: with head size 8 and theta 100 the wavelengths are 6.3, 20, 63 and
    # 200 positions, so that one frequency stays, one is smoothed and two are divided by the factor.
    return t.LlamaConfig(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                         tie_word_embeddings=False, rope_parameters=dict(
                             rope_type="llama3", rope_theta=100.0, factor=8.0, low_freq_factor=1.0,
                             high_freq_factor=4.0, original_max_position_embeddings=32), **DECODER_TOKENS)


def mistral_config(t, vocab):
    # A sliding window shorter than the inputs: every layer's attention sees the last 4 positions only.
    return t.MistralConfig(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=4, num_key_value_heads=1, max_position_embeddings=64,
                           sliding_window=4, **DECODER_TOKENS)


def qwen2_config(t, vocab):
    # q/k/v biases, tied embeddings; a sliding window of 3 in the layers from max_window_layers on (layer 1). Larger
    # initial weights than the default 0.02, with which the tied head only echoes the last token back.
    return t.Qwen2Config(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                         tie_word_embeddings=True, use_sliding_window=True, sliding_window=3, max_window_layers=1,
                         initializer_range=0.2,
                         **DECODER_TOKENS)


def qwen3_config(t, vocab):
    # q/k norms over a head size (16) that is not hidden_size / heads (8).
    return t.Qwen3Config(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=64,
                         **DECODER_TOKENS)


# name, transformers class, config, tokenizer kind, inputs kind, largest shard (None: one model.safetensors)
DECODERS = [
    ("llama", "LlamaForCausalLM", llama_config, "gpt2", "texts", None),
    ("mistral", "MistralForCausalLM", mistral_config, "gpt2", "texts", None),
    ("qwen2", "Qwen2ForCausalLM", qwen2_config, "gpt2", "texts", None),
    ("qwen3", "Qwen3ForCausalLM", qwen3_config, "gpt2", "texts", "80KB"),
]


class Fixture:
    """One tiny model: built, saved, and run on its inputs."""

    def __init__(self, name, class_name, make_config, tokenizer_kind, inputs_kind, tokenizer, chat=None,
                 max_shard_size=None):
        self.name, self.class_name, self.tokenizer_kind, self.inputs_kind = name, class_name, tokenizer_kind, inputs_kind
        self.tokenizer = tokenizer
        self.chat = chat  # (chat format, template, in tokenizer_config.json) or None
        self.max_shard_size = max_shard_size  # saved as shards with model.safetensors.index.json when set
        config = make_config(transformers, tokenizer.get_vocab_size())
        self.model = getattr(transformers, class_name)._from_config(config, attn_implementation="eager")

    def save(self, directory):
        if self.max_shard_size is None:
            self.model.save_pretrained(directory)
        else:
            self.model.save_pretrained(directory, max_shard_size=self.max_shard_size)
        if self.chat is not None:
            chat_format, template, in_config = self.chat
            fast = transformers.PreTrainedTokenizerFast(tokenizer_object=self.tokenizer, chat_template=template,
                                                        **CHAT_TOKENS[chat_format])
            fast.save_pretrained(directory, save_jinja_files=not in_config)
            self.directory = directory
        elif self.tokenizer_kind == "original":
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
        if self.class_name == "GPT2LMHeadModel" or self.class_name.endswith("ForCausalLM"):
            prompt = ids[0][:sum(mask[0])]
            with torch.no_grad():
                generated = model.generate(torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt),
                                           dtype=torch.long), max_new_tokens=GREEDY_NEW_TOKENS, do_sample=False,
                                           pad_token_id=self.pad_id())
            result["greedy"] = {"prompt_ids": prompt, "max_new_tokens": GREEDY_NEW_TOKENS,
                                "generated_ids": generated[0, len(prompt):].tolist()}
        if self.class_name.endswith("ForCausalLM"):
            result["greedy_batch"] = self.greedy_left_padded(encodings)
        if self.chat is not None:
            result["chat"] = self.chat_reference()
            if self.chat[0] == "chatml":
                result["chat_templates"] = EXTRA_TEMPLATES
        return result

    def greedy_left_padded(self, encodings):
        """Greedy ids for the texts as one batch padded on the left, as transformers generates a padded batch."""
        length = max(len(e.ids) for e in encodings)
        ids = [[self.pad_id()] * (length - len(e.ids)) + e.ids for e in encodings]
        mask = [[0] * (length - len(e.ids)) + [1] * len(e.ids) for e in encodings]
        with torch.no_grad():
            generated = self.model.generate(torch.tensor(ids), attention_mask=torch.tensor(mask),
                                            max_new_tokens=GREEDY_NEW_TOKENS, do_sample=False,
                                            pad_token_id=self.pad_id())
        # A row that ends at eos early is filled with pad ids up to the batch's length.
        return {"input_ids": ids, "attention_mask": mask, "max_new_tokens": GREEDY_NEW_TOKENS,
                "eos_token_id": self.model.generation_config.eos_token_id,
                "generated_ids": generated[:, length:].tolist()}

    def chat_reference(self):
        """What apply_chat_template(..., tokenize=False) renders, read back from the saved files as users load them."""
        loaded = transformers.AutoTokenizer.from_pretrained(self.directory)
        cases = []
        templates = [None] + (sorted(EXTRA_TEMPLATES) if self.chat[0] == "chatml" else [])
        for template_name in templates:
            for messages in CONVERSATIONS:
                for add_generation_prompt in (True, False):
                    case = {"template": template_name, "messages": messages,
                            "add_generation_prompt": add_generation_prompt}
                    try:
                        text = loaded.apply_chat_template(
                            messages, tokenize=False, add_generation_prompt=add_generation_prompt,
                            chat_template=EXTRA_TEMPLATES.get(template_name))
                    except Exception as e:  # jinja2's TemplateError, from the template's raise_exception
                        if template_name is None:
                            raise
                        cases.append(dict(case, error=str(e)))
                        continue
                    cases.append(dict(case, text=text, ids=loaded(text, add_special_tokens=False)["input_ids"]))
        if self.chat[0] == "llama3":
            try:
                loaded.apply_chat_template(REFUSED_CONVERSATION, tokenize=False, add_generation_prompt=True)
                raise AssertionError("the role check did not raise")
            except Exception as e:  # jinja2's TemplateError
                cases.append({"template": None, "messages": REFUSED_CONVERSATION, "add_generation_prompt": True,
                              "error": str(e)})
        return cases


def tensor(t):
    return {"shape": list(t.shape), "values": [float(v) for v in t.detach().to(torch.float32).flatten().tolist()]}


def write_reference(folder, reference, file_name="reference-outputs.json"):
    """reference-outputs.json (or `file_name`) in `folder`, keys sorted, so that a regeneration compares line by line."""
    with open(folder / file_name, "w", encoding="utf-8") as f:
        json.dump(reference, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


def replace_folder(staging, target):
    """Puts the finished `staging` folder in `target`'s place: the old one is renamed away first, removed last."""
    old = target.with_name("." + target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


# Encoder-decoder models (made after everything above, each with its own seed). They work on token ids alone (no
# tokenizer), and their reference outputs go to seq2seq-reference-outputs.json so that the loops over the
# single-stack fixtures of reference-outputs.json do not meet them.
SEQ2SEQ_VOCAB = 48
# Encoder rows of 7 and 4 real ids (the batch is padded on the right); decoder rows for teacher forcing.
SEQ2SEQ_SOURCE = [[13, 27, 8, 40, 19, 33], [22, 9, 31]]
SEQ2SEQ_TARGET = [[17, 4, 29, 11], [36, 36, 5, 44]]
SEQ2SEQ_NEW_TOKENS = 12
# Beam searches under transformers' logits processors, each over the padded batch. "defaults" generates with
# the model's generation_config.json alone.
SEQ2SEQ_SEARCHES = [
    ("beam4-early-stopping", dict(num_beams=4, length_penalty=2.0, no_repeat_ngram_size=2, min_length=5,
                                  repetition_penalty=1.3, early_stopping=True, max_new_tokens=SEQ2SEQ_NEW_TOKENS)),
    ("beam4-no-early-stopping", dict(num_beams=4, length_penalty=0.6, no_repeat_ngram_size=3, min_new_tokens=4,
                                     repetition_penalty=1.15, early_stopping=False,
                                     max_new_tokens=SEQ2SEQ_NEW_TOKENS)),
    ("beam4-never", dict(num_beams=4, length_penalty=1.5, early_stopping="never", max_length=10,
                         bad_words_ids=[[5], [7, 8]])),
    ("beam3-forced", dict(num_beams=3, forced_bos_token_id=7, forced_eos_token_id=3, max_new_tokens=9,
                          length_penalty=-0.5)),
    # Without processors: the tiny T5s' finished beams rank differently if the length that divides their score
    # counted one token more (as older transformers did), so these pin the count to the new tokens, eos included.
    ("beam4-length-penalty-0.5", dict(num_beams=4, length_penalty=0.5, early_stopping=False,
                                      max_new_tokens=SEQ2SEQ_NEW_TOKENS)),
    ("beam4-length-penalty-3", dict(num_beams=4, length_penalty=3.0, early_stopping=False,
                                    max_new_tokens=SEQ2SEQ_NEW_TOKENS)),
    ("greedy-processors", dict(num_beams=1, repetition_penalty=1.4, no_repeat_ngram_size=2, min_length=6,
                               bad_words_ids=[[12], [20, 21]], max_new_tokens=SEQ2SEQ_NEW_TOKENS)),
    ("defaults", dict()),
]


def t5_config(t, feed_forward, tied):
    return t.T5Config(vocab_size=SEQ2SEQ_VOCAB, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2,
                      num_heads=4, relative_attention_num_buckets=8, relative_attention_max_distance=16,
                      feed_forward_proj=feed_forward, tie_word_embeddings=tied, decoder_start_token_id=0,
                      pad_token_id=0, eos_token_id=1)


def bart_config(t):
    # DistilBART's shape: fewer decoder than encoder layers; scale_embedding as Marian and some BART checkpoints.
    # Larger initial weights than the default 0.02, with which the decoder hardly hears the encoder.
    return t.BartConfig(vocab_size=SEQ2SEQ_VOCAB, d_model=32, encoder_layers=2, decoder_layers=1,
                        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64,
                        max_position_embeddings=32, scale_embedding=True, init_std=0.2)


def marian_config(t):
    # As opus-mt: the pad token (the last id) starts the decoder, eos 0, scaled embeddings, swish; sinusoidal positions.
    return t.MarianConfig(vocab_size=SEQ2SEQ_VOCAB, d_model=32, encoder_layers=2, decoder_layers=2,
                          encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64,
                          max_position_embeddings=64, scale_embedding=True, activation_function="swish",
                          pad_token_id=SEQ2SEQ_VOCAB - 1, decoder_start_token_id=SEQ2SEQ_VOCAB - 1, eos_token_id=0,
                          forced_eos_token_id=0, init_std=0.2)


# name, transformers class, config, what its generation_config.json adds (as summarisation checkpoints ship it)
SEQ2SEQS = [
    ("t5-v1_0", "T5ForConditionalGeneration", lambda t: t5_config(t, "relu", True), {}),
    # As flan-t5 is on the Hub (saved by transformers 4): tie_word_embeddings false with its own lm_head.weight.
    ("t5-v1_1", "T5ForConditionalGeneration", lambda t: t5_config(t, "gated-gelu", False), {}),
    ("bart", "BartForConditionalGeneration", bart_config,
     dict(num_beams=4, length_penalty=2.0, no_repeat_ngram_size=3, min_length=5, max_length=14, early_stopping=True,
          forced_bos_token_id=0)),
    # opus-mt's generation config bans the pad token, which is also the decoder start token, and renormalises the
    # scores after the processors.
    ("marian", "MarianMTModel", marian_config, dict(num_beams=4, max_length=16, bad_words_ids=[[SEQ2SEQ_VOCAB - 1]],
                                                    renormalize_logits=True), 0.6),
]


class Seq2SeqFixture:
    """One tiny encoder-decoder model on token ids: built, saved as the Hub has it, reloaded, and run."""

    def __init__(self, name, class_name, make_config, generation_defaults, eos_pull=1.0):
        self.name, self.class_name, self.generation_defaults = name, class_name, generation_defaults
        self.eos_pull = eos_pull
        config = make_config(transformers)
        self.model = getattr(transformers, class_name)._from_config(config, attn_implementation="eager")
        with torch.no_grad():
            # Nothing trivially one or zero: layer norms, biases (final_logits_bias too) and the pad row perturbed.
            for key, value in self.model.state_dict().items():
                if "norm" in key and key.endswith("weight"):
                    value.copy_(1 + 0.2 * torch.randn_like(value))
                elif key.endswith("bias") and "relative_attention_bias" not in key:
                    value.copy_(0.2 * torch.randn_like(value))
            shared = self.model.get_input_embeddings().weight
            shared[config.pad_token_id] = torch.randn_like(shared[config.pad_token_id])
            self.untied_head = class_name.startswith("T5") and not config.scale_decoder_outputs
            if self.untied_head:
                # transformers 5 ties T5's head in memory; the saved checkpoint gets this one (see save).
                self.model.lm_head.weight = torch.nn.Parameter(torch.randn(shared.shape) * shared.std())
            self.make_eos_compete()

    def make_eos_compete(self):
        """Moves the end-of-sequence logit to the best logit on average over the teacher-forced inputs (a fraction
        `eos_pull` of the way), so that searches end at different lengths (a random model's eos is otherwise rarely
        chosen)."""
        config = self.model.config
        ids, mask, decoder_ids = self.inputs()
        # In float64, so that the float32 weights it writes are the same bits on every CPU: float32 kernels sum in
        # a CPU's own order (with AVX2 or without) and would differ in the last bit.
        model = copy.deepcopy(self.model).double().eval()
        output = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask),
                       decoder_input_ids=torch.tensor(decoder_ids), output_hidden_states=True)
        gap = (output.logits.max(-1).values - output.logits[..., config.eos_token_id]).mean() * self.eos_pull
        if not self.class_name.startswith("T5"):
            bias = self.model.final_logits_bias
            bias[0, config.eos_token_id] = (bias[0, config.eos_token_id].double() + gap).float()
            return
        hidden = output.decoder_hidden_states[-1]
        if config.scale_decoder_outputs:
            hidden = hidden * config.d_model ** -0.5
        direction = hidden.mean(dim=(0, 1))
        head = self.model.lm_head.weight
        head[config.eos_token_id] = (head[config.eos_token_id].double() + gap * direction / direction.dot(direction)).float()

    def inputs(self):
        """The encoder batch padded on the right (each row ending with eos) and the decoder rows."""
        config = self.model.config
        eos, pad, start = config.eos_token_id, config.pad_token_id, config.decoder_start_token_id
        length = max(len(row) + 1 for row in SEQ2SEQ_SOURCE)
        ids = [row + [eos] + [pad] * (length - len(row) - 1) for row in SEQ2SEQ_SOURCE]
        mask = [[1] * (len(row) + 1) + [0] * (length - len(row) - 1) for row in SEQ2SEQ_SOURCE]
        return ids, mask, [[start] + row for row in SEQ2SEQ_TARGET]

    def save(self, directory):
        self.model.save_pretrained(directory)
        if self.untied_head:
            weights = safetensors.torch.load_file(directory / "model.safetensors")
            weights["lm_head.weight"] = self.model.lm_head.weight.detach().clone()
            safetensors.torch.save_file(weights, directory / "model.safetensors", metadata={"format": "pt"})
            config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
            config.pop("scale_decoder_outputs")
            config["tie_word_embeddings"] = False
            (directory / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n",
                                                   encoding="utf-8")
        if self.generation_defaults:
            self.model.generation_config.update(**self.generation_defaults)
            self.model.generation_config.save_pretrained(directory)
        self.directory = directory

    def run(self):
        # What a user gets: the saved folder loaded back.
        model = getattr(transformers, self.class_name).from_pretrained(self.directory,
                                                                       attn_implementation="eager").eval()
        eos = model.config.eos_token_id
        ids, mask, decoder_ids = self.inputs()
        inputs = dict(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask))
        with torch.no_grad():
            output = model(**inputs, decoder_input_ids=torch.tensor(decoder_ids))
            greedy = model.generate(**inputs, do_sample=False, num_beams=1, max_new_tokens=SEQ2SEQ_NEW_TOKENS)
            searches = {name: self.generated(model.generate(**inputs, do_sample=False, **settings), eos)
                        for name, settings in SEQ2SEQ_SEARCHES}
        return {
            "class": self.class_name,
            "inputs": dict(input_ids=ids, attention_mask=mask, decoder_input_ids=decoder_ids),
            "logits": tensor(output.logits),
            "encoder_last_hidden_state": tensor(output.encoder_last_hidden_state),
            "greedy": {"max_new_tokens": SEQ2SEQ_NEW_TOKENS, "generated_ids": self.generated(greedy, eos)},
            "searches": {name: dict(settings=settings, generated_ids=searches[name])
                         for name, settings in SEQ2SEQ_SEARCHES},
        }

    @staticmethod
    def generated(sequences, eos):
        """Each row's new ids after the decoder start token, up to and including its first end-of-sequence id."""
        rows = []
        for row in sequences[:, 1:].tolist():
            rows.append(row[:row.index(eos) + 1] if eos in row else row)
        return rows


# The encoder-decoders' tokenizers, trained here on a few sentences and saved beside t5-v1_0, t5-v1_1 and bart (marian
# gets no tokenizer.json: opus-mt ships SentencePiece .spm files, made below by marian_tokenizer). Vocabularies fit the models' 48 ids. T5's as
# the Hub's tokenizer.json has it: a SentencePiece Unigram, NFKC and runs of spaces collapsed, Metaspace ("▁" prepended
# to each word), "</s>" appended by the post-processor. BART's: byte-level BPE, "<s> ... </s>" as RoBERTa's.
SEQ2SEQ_TOKENIZER_CORPUS = [
    "the cat sat on the mat.", "a dog was good", "the movie was bad.", "a cat is on the mat, the dog is not.",
    "summarize: the cat sat on the mat and the dog sat on the cat.", "translate English to German: the cat is good.",
    "the dog ran to the cat; the cat ran to the mat.", "good dogs sat, bad cats ran."]
# Texts whose encodings, pieces and decodes the Java tokenizer must reproduce: spaces, punctuation, unknown characters
# (T5's <unk>; bytes the tiny byte-level BPE never merged), an accent that NFKC leaves, and an empty text.
SEQ2SEQ_TOKENIZER_TEXTS = ["the cat sat on the mat.", "summarize: a dog  was good,   the movie was bad!",
                           "translate English to German: The Zebra ran.", "café  ", ""]
# Documents summarised and sentences translated end to end (text in, text out) by t5-v1_0 with its tokenizer, the
# prefixes as T5's task_specific_params give them; generated with the model's own defaults (greedy, 20 tokens) and
# with a beam search that a generation_config.json would ask for.
SEQ2SEQ_PIPELINE_SEARCHES = {"defaults": {}, "beam3": dict(num_beams=3, no_repeat_ngram_size=2, max_new_tokens=10)}
SEQ2SEQ_PIPELINE = {
    "summarize: ": ["the cat sat on the mat and the dog sat on the cat.", "a dog was good, the movie was bad."],
    "translate English to German: ": ["the cat is good.", "the dog ran to the mat."],
}


def t5_unigram():
    tok = Tokenizer(Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    trainer = UnigramTrainer(vocab_size=SEQ2SEQ_VOCAB, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>",
                             show_progress=False, max_piece_length=8)
    tok.train_from_iterator(SEQ2SEQ_TOKENIZER_CORPUS, trainer=trainer)
    # The trainer's scores differ from run to run (parallel sums, ties broken in hash order), so only its pieces are
    # kept; each scores the log of its share of the pieces' occurrences in the corpus (as a Unigram's log-probability),
    # sorted by score then piece: the same vocabulary every time.
    trained = json.loads(tok.to_str())["model"]["vocab"]
    special, pieces = trained[:3], [piece for piece, _ in trained[3:]]
    words = [tok.pre_tokenizer.pre_tokenize_str(tok.normalizer.normalize_str(line)) for line in SEQ2SEQ_TOKENIZER_CORPUS]
    text = " ".join(word for line in words for word, _ in line)
    counts = {piece: text.count(piece) + 1 for piece in pieces}
    total = sum(counts.values())
    scored = sorted(((piece, float(np.log(counts[piece] / total))) for piece in pieces), key=lambda e: (-e[1], e[0]))
    tok.model = Unigram([tuple(e) for e in special] + scored, unk_id=2, byte_fallback=False)
    tok.post_processor = TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)])
    return tok


def bart_bpe():
    # No initial byte alphabet: 256 bytes would not fit in 48 ids; bytes the corpus lacks are dropped when encoding.
    tok = Tokenizer(BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = BpeTrainer(vocab_size=SEQ2SEQ_VOCAB, min_frequency=1, show_progress=False, special_tokens=ROBERTA_SPECIAL)
    tok.train_from_iterator(SEQ2SEQ_TOKENIZER_CORPUS, trainer=trainer)
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0), add_prefix_space=False)
    return tok


SEQ2SEQ_TOKENIZERS = {"t5-v1_0": "t5", "t5-v1_1": "t5", "bart": "bart"}
SEQ2SEQ_SPECIAL_TOKENS = {"t5": dict(eos_token="</s>", unk_token="<unk>", pad_token="<pad>"),
                          "bart": SPECIAL_TOKENS["roberta"]}


def seq2seq_tokenizers(fixtures, staging):
    """Saves each tokenizer beside its model (as transformers saves one: tokenizer.json and tokenizer_config.json)
    and returns what transformers' tokenizer loaded back from that folder gives for the texts, and the t5-v1_0
    pipeline's texts."""
    made = {"t5": t5_unigram(), "bart": bart_bpe()}
    reference = {}
    for fixture in fixtures:
        kind = SEQ2SEQ_TOKENIZERS.get(fixture.name)
        if kind is None:
            continue
        directory = staging / fixture.name
        transformers.PreTrainedTokenizerFast(tokenizer_object=made[kind], clean_up_tokenization_spaces=False,
                                             **SEQ2SEQ_SPECIAL_TOKENS[kind]).save_pretrained(directory)
        tokenizer = transformers.AutoTokenizer.from_pretrained(directory)
        entry = {"kind": kind, "vocab_size": len(tokenizer), "encodings": []}
        for text in SEQ2SEQ_TOKENIZER_TEXTS:
            ids = tokenizer(text)["input_ids"]
            entry["encodings"].append(dict(
                text=text, ids=ids, pieces=tokenizer.convert_ids_to_tokens(ids),
                ids_without_special=tokenizer(text, add_special_tokens=False)["input_ids"],
                decoded=tokenizer.decode(ids), decoded_skip_special=tokenizer.decode(ids, skip_special_tokens=True)))
        if fixture.name == "t5-v1_0":
            entry["pipeline"] = t5_pipeline(fixture.directory, tokenizer)
        reference[fixture.name] = entry
    return reference


def t5_pipeline(directory, tokenizer):
    model = transformers.T5ForConditionalGeneration.from_pretrained(directory, attn_implementation="eager").eval()
    rows = []
    for prefix, texts in SEQ2SEQ_PIPELINE.items():
        for text in texts:
            inputs = tokenizer(prefix + text, return_tensors="pt")
            row = dict(prefix=prefix, text=text, input_ids=inputs["input_ids"][0].tolist(), searches={})
            for name, settings in SEQ2SEQ_PIPELINE_SEARCHES.items():
                with torch.no_grad():
                    output = model.generate(**inputs, do_sample=False, **settings)
                row["searches"][name] = dict(settings=settings, generated_ids=output[0, 1:].tolist(),
                                             generated_text=tokenizer.decode(output[0], skip_special_tokens=True))
            rows.append(row)
    return rows


# Marian's tokenizer as opus-mt ships it (no tokenizer.json): SentencePiece Unigram models for the source (source.spm,
# English-like) and the target (target.spm, German-like) trained here, vocab.json mapping their pieces to the model's
# 48 ids ("</s>" 0, "<unk>" 1, two language codes, the pieces of the source then of the target in their models' order
# until the vocabulary is full, "<pad>" last: the pieces left out encode as <unk>), and tokenizer_config.json and
# special_tokens_map.json as opus-mt-en-de has them. One thread and a corpus given in order: the same bytes every run.
MARIAN_SOURCE_CORPUS = [
    "the cat sat on the mat.", "a dog was good", "the movie was bad.", "a cat is on the mat, the dog is not.",
    "the dog ran to the cat; the cat ran to the mat.", "good dogs sat, bad cats ran."]
MARIAN_TARGET_CORPUS = [
    "die katze sass auf der matte.", "ein hund war gut", "der film war schlecht.",
    "eine katze ist auf der matte, der hund ist es nicht.", "der hund lief zur katze; die katze lief zur matte.",
    "gute hunde sassen, schlechte katzen liefen."]
MARIAN_SPM_SIZE = 40
MARIAN_LANGUAGE_CODES = [">>de<<", ">>fr<<"]
# Sources: language codes (known, unknown, without a space after), characters neither model has (encoded as the
# piece of the unknown character, then <unk>), runs of spaces, a literal special token, blank and empty texts.
MARIAN_SOURCE_TEXTS = ["the cat sat on the mat.", ">>de<< the dog ran to the cat.", ">>fr<<a good movie",
                       ">>xx<< the cat", "The Zebra ran to 猫!", "a dog  was   good ,", "the cat</s> sat",
                       "  ", ""]
MARIAN_TARGET_TEXTS = ["die katze sass auf der matte.", ">>de<< der hund lief.", "Der Zebra-Hund 猫", ""]
# Id lists decoded with and without the special tokens: eos, pad, unk and a language code among pieces.
MARIAN_DECODES = [[5, 12, 0], [47, 2, 9, 1, 14, 0, 47, 47], [20, 31, 40, 44, 6], [0], []]
# Translated end to end as one padded batch: greedy, and the model's generation_config.json (beam 4), both with a
# minimum of new tokens (the tiny model's pulled-up eos would end every translation at once).
MARIAN_PIPELINE_TEXTS = ["the cat sat on the mat.", ">>de<< a dog was good"]
MARIAN_PIPELINE_SEARCHES = {"greedy": dict(num_beams=1, min_new_tokens=5, max_new_tokens=12),
                            "beam4": dict(min_new_tokens=5)}


def marian_spm(corpus):
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus), model_writer=model, vocab_size=MARIAN_SPM_SIZE, model_type="unigram",
        character_coverage=1.0, num_threads=1, hard_vocab_limit=False, eos_id=0, unk_id=1, bos_id=-1, pad_id=-1,
        minloglevel=2)
    return model.getvalue()


def marian_tokenizer(directory, vocab_size):
    """Writes opus-mt's tokenizer files into `directory` and returns what transformers' MarianTokenizer, loaded from
    it, gives: pieces and ids of sources and targets, decodes, and the model's translations of two texts."""
    models = {"source.spm": marian_spm(MARIAN_SOURCE_CORPUS), "target.spm": marian_spm(MARIAN_TARGET_CORPUS)}
    vocab = {"</s>": 0, "<unk>": 1}
    for code in MARIAN_LANGUAGE_CODES:
        vocab[code] = len(vocab)
    for name in ("source.spm", "target.spm"):
        processor = sentencepiece.SentencePieceProcessor(model_proto=models[name])
        for piece_id in range(processor.get_piece_size()):
            piece = processor.id_to_piece(piece_id)
            if not processor.is_control(piece_id) and not processor.is_unknown(piece_id) and piece not in vocab \
                    and len(vocab) < vocab_size - 1:
                vocab[piece] = len(vocab)
    vocab["<pad>"] = vocab_size - 1
    for name, data in models.items():
        (directory / name).write_bytes(data)
    (directory / "vocab.json").write_text(json.dumps(vocab, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps(
        {"source_lang": "en", "target_lang": "de", "separate_vocabs": False, "model_max_length": 512}, indent=2)
        + "\n", encoding="utf-8")
    (directory / "special_tokens_map.json").write_text(json.dumps(
        {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}, indent=2) + "\n", encoding="utf-8")

    tokenizer = transformers.MarianTokenizer.from_pretrained(directory)
    entry = {"class": type(tokenizer).__name__, "sentencepiece": sentencepiece.__version__,
             "vocab_size": tokenizer.vocab_size, "sources": [], "targets": [], "decodes": []}
    for key, texts, target in (("sources", MARIAN_SOURCE_TEXTS, False), ("targets", MARIAN_TARGET_TEXTS, True)):
        for text in texts:
            ids = tokenizer(text_target=text)["input_ids"] if target else tokenizer(text)["input_ids"]
            with _TargetMode(tokenizer, target):
                pieces = tokenizer.tokenize(text)
            entry[key].append(dict(text=text, pieces=pieces, ids=ids))
    for ids in MARIAN_DECODES:
        entry["decodes"].append(dict(ids=ids, decoded=tokenizer.decode(ids),
                                     decoded_skip_special=tokenizer.decode(ids, skip_special_tokens=True)))
    model = transformers.MarianMTModel.from_pretrained(directory, attn_implementation="eager").eval()
    inputs = tokenizer(MARIAN_PIPELINE_TEXTS, return_tensors="pt", padding=True)
    entry["pipeline"] = dict(texts=MARIAN_PIPELINE_TEXTS, input_ids=inputs["input_ids"].tolist(),
                             attention_mask=inputs["attention_mask"].tolist(), searches={})
    for name, settings in MARIAN_PIPELINE_SEARCHES.items():
        with torch.no_grad():
            output = model.generate(**inputs, do_sample=False, **settings)
        entry["pipeline"]["searches"][name] = dict(
            settings=settings, generated_ids=Seq2SeqFixture.generated(output, model.config.eos_token_id),
            generated_text=tokenizer.batch_decode(output, skip_special_tokens=True))
    return entry


class _TargetMode:
    """MarianTokenizer's target mode (target.spm) for tokenize(), as text_target switches to it, when `on`."""

    def __init__(self, tokenizer, on):
        self.tokenizer, self.on = tokenizer, on

    def __enter__(self):
        if self.on:
            self.tokenizer._switch_to_target_mode()

    def __exit__(self, *exc):
        self.tokenizer._switch_to_input_mode()


def t5_buckets():
    """transformers' relative-position buckets for T5's usual settings (32 buckets, distance 128), far past the range
    of the tiny models: exact, logarithmic and capped buckets, both directions."""
    relative = torch.arange(-300, 301)
    bucket = transformers.models.t5.modeling_t5.T5Attention._relative_position_bucket
    return {"num_buckets": 32, "max_distance": 128, "relative_positions": relative.tolist(),
            "bidirectional": bucket(relative, bidirectional=True, num_buckets=32, max_distance=128).tolist(),
            "unidirectional": bucket(relative, bidirectional=False, num_buckets=32, max_distance=128).tolist()}


def build_seq2seq(first_seed):
    fixtures = []
    for seed, spec in enumerate(SEQ2SEQS, start=first_seed):
        torch.manual_seed(seed)
        fixtures.append(Seq2SeqFixture(*spec))
    return fixtures


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
    for seed, (name, chat_format, template, in_config) in enumerate(CHATS, start=len(HEADS) + 1):
        tokenizer = byte_level_bpe(CHAT_SPECIAL[chat_format], False)
        if chat_format == "llama3":
            # As Llama 3's tokenizer: encoding adds <|begin_of_text|>, which a chat prompt (whose template writes
            # it already) must be encoded without.
            bos = tokenizer.token_to_id("<|begin_of_text|>")
            tokenizer.post_processor = TemplateProcessing(single="<|begin_of_text|> $A",
                                                          special_tokens=[("<|begin_of_text|>", bos)])
        ids = {k: tokenizer.token_to_id(v) for k, v in CHAT_TOKENS[chat_format].items()}
        torch.manual_seed(seed)
        fixtures.append(Fixture(name, "GPT2LMHeadModel", lambda t, v, ids=ids: gpt2_config(
            t, v, bos_token_id=ids.get("bos_token", ids["eos_token"]), eos_token_id=ids["eos_token"],
            pad_token_id=ids.get("pad_token", ids["eos_token"])), "gpt2", "texts", tokenizer,
            chat=(chat_format, template, in_config)))
    for seed, (name, class_name, make_config, kind, inputs, shard) in enumerate(
            DECODERS, start=len(HEADS) + len(CHATS) + 1):
        torch.manual_seed(seed)
        fixtures.append(Fixture(name, class_name, make_config, kind, inputs, tokenizers_by_kind[kind],
                                max_shard_size=shard))
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
        write_reference(staging, reference)
        seq2seq = {"generator": reference["generator"], "models": {}, "t5_buckets": t5_buckets()}
        seq2seq_fixtures = build_seq2seq(first_seed=len(HEADS) + len(CHATS) + len(DECODERS) + 1)
        for fixture in seq2seq_fixtures:
            fixture.save(staging / fixture.name)
            seq2seq["models"][fixture.name] = fixture.run()
        write_reference(staging, seq2seq, "seq2seq-reference-outputs.json")
        write_reference(staging, {"generator": reference["generator"],
                                  "models": seq2seq_tokenizers(seq2seq_fixtures, staging)},
                        "seq2seq-tokenizers.json")
        marian = next(fixture for fixture in seq2seq_fixtures if fixture.name == "marian")
        write_reference(staging, {"generator": dict(reference["generator"], sentencepiece=sentencepiece.__version__),
                                  "marian": marian_tokenizer(marian.directory, SEQ2SEQ_VOCAB)},
                        "marian-tokenizer.json")
        target = out / "hf-tiny"
        replace_folder(staging, target)
        print(f"wrote {len(reference['models']) + len(seq2seq['models'])} models and their reference outputs to {target}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":
    main()
