#!/usr/bin/env python3
"""Reference values for the ML engine's metrics, computed by the libraries the metrics claim to follow.

Writes fixtures/metrics/reference-metrics.json: for each metric, fixed (and deliberately awkward)
inputs next to the values that seqeval, torchmetrics (SQuAD), rouge-score, sacrebleu, scikit-learn
and transformers (GPT-2 loss) compute for them. ReferenceMetricsTest (ml-engine) checks the Java
metrics against every value. Nothing here is random and nothing is read from the network: two runs
give byte-identical files.

Run it with the reference virtual environment (reference/venv.sh builds it):

    reference/.venv/bin/python reference/metrics_reference.py [--gpt2 DIR] [--output FILE]
"""

import argparse
import hashlib
import importlib
import json
import math
import platform
import warnings
from pathlib import Path

import numpy
import rouge_score
import sacrebleu
import seqeval
import sklearn
import tokenizers
import torch
import torchmetrics
import transformers
from importlib.metadata import version
from rouge_score import rouge_scorer
from rouge_score import tokenize as rouge_tokenize
from sacrebleu.metrics import BLEU
from seqeval.metrics import sequence_labeling
from sklearn import metrics as skm

# The package re-exports the function under the module's name; the module holds the normalisation.
SQUAD_MODULE = importlib.import_module("torchmetrics.functional.text.squad")

REPOSITORY = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------
# Settings: what the project's metrics say they compute (ml-engine/README.md, the Javadoc of
# io.modelcat.ml.metrics) and the reference library's call that computes the same thing.
# ---------------------------------------------------------------------------------------------

CLASSIFICATION_SETTINGS = {
    "library": "scikit-learn",
    "accuracy": "sklearn.metrics.accuracy_score(y_true, y_pred)",
    "per_class": "precision_recall_fscore_support(y_true, y_pred, labels=range(len(labels)), average=None, zero_division=0.0)",
    "averages": "precision_recall_fscore_support(y_true, y_pred, average='macro'|'micro'|'weighted', zero_division=0.0); "
                "labels=None, so macro averages over the classes that occur in y_true or y_pred (sklearn's default, "
                "and what the Hugging Face evaluate metrics report); a class that never occurs counts in no average",
    "zero_division": "0.0, which is the value sklearn's default zero_division='warn' gives, without the warning",
    "confusion_matrix": "confusion_matrix(y_true, y_pred, labels=range(len(labels))): rows true, columns predicted",
}

ENTITY_SETTINGS = {
    "library": "seqeval",
    "mode": "default (mode=None, conlleval-style lenient chunking; IOB2 tags, an I- without B- opens an entity)",
    "calls": "seqeval.metrics.sequence_labeling.precision_recall_fscore_support(y_true, y_pred, average=None|'micro', "
             "zero_division=0), accuracy_score(y_true, y_pred)",
    "note": "seqeval joins the sentences with an 'O' between them before chunking",
}

SQUAD_SETTINGS = {
    "library": "torchmetrics",
    "calls": "torchmetrics.functional.text.squad(preds, target); normalisation: "
             "torchmetrics.functional.text.squad._normalize_text (the official SQuAD v1.1 script's normalize_answer)",
    "scale": "torchmetrics reports percentages (0..100), computed in float32; the engine reports fractions (0..1)",
}

ROUGE_SETTINGS = {
    "library": "rouge-score",
    "calls": "rouge_scorer.RougeScorer(['rouge1', 'rouge2', 'rougeL'], use_stemmer=False).score(reference, prediction)",
    "use_stemmer": False,
    "aggregation": "plain arithmetic mean of each pair's F-measure (no BootstrapAggregator), as RougeScores.of",
    "tokenizer": "rouge_score.tokenize.tokenize(text, None): lower case, non-[a-z0-9] runs split, no stemming",
}

BLEU_SETTINGS = {
    "library": "sacrebleu",
    "calls": "BLEU(tokenize='13a', smooth_method='none', lowercase=False, effective_order=False, max_ngram_order=4)"
             ".corpus_score(hypotheses, references)",
    "scale": "sacrebleu reports the score and the precisions as percentages (0..100); the engine as fractions",
    "why": "corpus BLEU-4 over 13a tokens without smoothing is what the Hugging Face 'bleu' metric computes, except "
           "for the reference length: that metric adds up the shortest reference of each segment, sacrebleu (like "
           "mteval-v13a and NLTK's corpus_bleu) the reference closest in length to the hypothesis (ties: the shorter). "
           "No sacrebleu setting gives the shortest, so BleuScore follows sacrebleu: closest reference length.",
    "references": "a segment with fewer references than the others is padded with None, which sacrebleu skips",
}

PERPLEXITY_SETTINGS = {
    "library": "transformers",
    "model": "GPT2LMHeadModel.from_pretrained(<gpt2 fixture>), eval mode, float32, torch.set_num_threads(1)",
    "tokenizer": "tokenizers.Tokenizer.from_file(tokenizer.json) with its [CLS] $A [SEP] template, "
                 "truncation to max_length tokens (the last kept token is [SEP]), no padding",
    "aggregation": "as LanguageModelScorer: per text, next-token NLL summed over positions 0..n-2 (natural log); "
                   "totals summed over texts; perplexity = exp(total NLL / total predicted tokens)",
    "precision": "NLL = cross_entropy(float32 logits widened to float64, reduction='sum'); checked here against "
                 "transformers' own loss (model(input_ids, labels=input_ids).loss, a float32 mean) to 1e-6",
}


def libraries():
    return {
        "nltk": version("nltk"),
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "rouge-score": version("rouge-score"),
        "sacrebleu": sacrebleu.__version__,
        "scikit-learn": sklearn.__version__,
        "seqeval": version("seqeval"),
        "tokenizers": tokenizers.__version__,
        "torch": torch.__version__,
        "torchmetrics": torchmetrics.__version__,
        "transformers": transformers.__version__,
    }


# ---------------------------------------------------------------------------------------------
# Classification (scikit-learn)
# ---------------------------------------------------------------------------------------------

CLASSIFICATION_CASES = [
    {
        "name": "hand_worked",
        "labels": ["cat", "dog", "bird"],
        "actual": [0, 0, 0, 1, 1, 2],
        "predicted": [0, 0, 1, 1, 0, 0],
    },
    {
        # "neutral" is true twice but never predicted; "spam" occurs nowhere (only in the model's labels).
        "name": "label_never_predicted_and_label_never_seen",
        "labels": ["negative", "neutral", "positive", "spam"],
        "actual": [0, 0, 1, 1, 2, 2, 2, 0],
        "predicted": [0, 2, 0, 2, 2, 2, 0, 0],
    },
    {
        # Nothing right: every precision, recall and F1 is 0, some of them 0/0.
        "name": "all_wrong",
        "labels": ["a", "b", "c"],
        "actual": [0, 1, 2, 0, 1],
        "predicted": [1, 2, 0, 2, 0],
    },
    {
        # One class predicted for everything: the other classes have no predictions (precision 0/0).
        "name": "constant_prediction",
        "labels": ["x", "y", "z"],
        "actual": [0, 1, 2, 1, 1, 0, 2],
        "predicted": [1, 1, 1, 1, 1, 1, 1],
    },
    {
        # "ghost" is predicted but never true: recall 0/0.
        "name": "predicted_class_without_support",
        "labels": ["ghost", "real", "other"],
        "actual": [1, 1, 2, 2, 1],
        "predicted": [0, 1, 2, 0, 1],
    },
    {
        "name": "single_class_all_right",
        "labels": ["only", "unused"],
        "actual": [0, 0, 0],
        "predicted": [0, 0, 0],
    },
    {
        "name": "unicode_labels_five_classes",
        "labels": ["café", "東京", "naïve", "Ωmega", "?unknown"],
        "actual": [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 0, 1, 1, 2, 3, 3, 3, 4, 0, 2, 2, 1, 0, 3, 4, 4, 1, 0, 2],
        "predicted": [0, 1, 1, 3, 2, 0, 0, 2, 3, 3, 0, 1, 1, 1, 2, 3, 0, 3, 2, 0, 2, 1, 1, 0, 3, 3, 0, 1, 2, 2],
    },
]


def classification_case(case):
    actual, predicted = case["actual"], case["predicted"]
    every = list(range(len(case["labels"])))
    precision, recall, f1, support = skm.precision_recall_fscore_support(
        actual, predicted, labels=every, average=None, zero_division=0.0)
    averages = {}
    for average in ("macro", "micro", "weighted"):
        p, r, f, _ = skm.precision_recall_fscore_support(actual, predicted, average=average, zero_division=0.0)
        averages[average] = {"precision": float(p), "recall": float(r), "f1": float(f)}
    per_class = {
        case["labels"][index]: {"precision": float(precision[index]), "recall": float(recall[index]),
                                "f1": float(f1[index]), "support": int(support[index])}
        for index in every
    }
    return dict(case, expected={
        "accuracy": float(skm.accuracy_score(actual, predicted)),
        "per_class": per_class,
        "confusion_matrix": skm.confusion_matrix(actual, predicted, labels=every).tolist(),
        **averages,
    })


# ---------------------------------------------------------------------------------------------
# Entities (seqeval, default mode)
# ---------------------------------------------------------------------------------------------

ENTITY_CASES = [
    {
        "name": "seqeval_readme",
        "actual": [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]],
        "predicted": [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]],
    },
    {
        # I- without B- opens an entity (lenient); so does I-Y after B-X (a type change splits).
        "name": "i_without_b_and_type_change",
        "actual": [["B-ORG", "I-ORG", "O", "B-PER", "I-PER"], ["B-LOC", "I-LOC", "I-LOC"]],
        "predicted": [["I-ORG", "I-ORG", "O", "B-PER", "I-LOC"], ["I-LOC", "I-LOC", "I-LOC"]],
    },
    {
        # Entities ending on the last token; a B- right after B- of the same type starts a second one.
        "name": "entities_at_the_end_and_adjacent_b",
        "actual": [["O", "B-LOC", "B-LOC"], ["B-PER"], ["O", "O", "B-ORG", "I-ORG"]],
        "predicted": [["O", "B-LOC", "I-LOC"], ["B-PER"], ["O", "O", "B-ORG", "I-ORG"]],
    },
    {
        # A sentence ending inside an entity and the next one starting with I- of the same type: two entities.
        "name": "entity_does_not_run_across_sentences",
        "actual": [["O", "B-PER"], ["I-PER", "O"]],
        "predicted": [["O", "B-PER"], ["B-PER", "O"]],
    },
    {
        # Nothing predicted: precision 0/0 everywhere.
        "name": "empty_predictions",
        "actual": [["B-PER", "I-PER", "O"], ["O", "B-LOC"]],
        "predicted": [["O", "O", "O"], ["O", "O"]],
    },
    {
        # No true entity: recall 0/0; also an empty sentence.
        "name": "no_true_entities",
        "actual": [["O", "O"], [], ["O"]],
        "predicted": [["B-MISC", "O"], [], ["I-PER"]],
    },
    {
        "name": "all_wrong_types",
        "actual": [["B-PER", "I-PER", "O", "B-LOC"]],
        "predicted": [["B-LOC", "I-LOC", "O", "B-PER"]],
    },
    {
        # Types with hyphens, underscores and non-ASCII letters; tags without a type ('B', 'I') have type '_'.
        "name": "odd_type_names",
        "actual": [["B-WORK_OF_ART", "I-WORK_OF_ART", "O", "B-人名", "I-人名", "B-X-Y", "I-X-Y"], ["B", "I", "O", "B-ÉTÉ"]],
        "predicted": [["B-WORK_OF_ART", "I-WORK_OF_ART", "O", "B-人名", "O", "B-X-Y", "I-X-Y"], ["B", "I", "I", "B-ÉTÉ"]],
    },
    {
        # IOBES tags are read too in default mode (E- closes, S- is a single-token entity).
        "name": "iobes_tags_in_default_mode",
        "actual": [["B-PER", "E-PER", "S-LOC", "O", "B-ORG", "I-ORG", "E-ORG"]],
        "predicted": [["B-PER", "I-PER", "S-LOC", "O", "S-ORG", "I-ORG", "E-ORG"]],
    },
    {
        # Broken tags: a lower-case 'o' is not 'O'. seqeval chunks the sentences joined with an 'O' in between,
        # so such a tag after a sentence break opens nothing and its entity reaches back to the last start
        # offset, here in the sentence before: true '_' covers flat positions 1..3, predicted '_' 0..3.
        "name": "broken_lowercase_o_tags",
        "actual": [["O", "B-PER"], ["o", "B-PER", "O"]],
        "predicted": [["O", "O"], ["o", "B-PER", "O"]],
    },
]


def entity_case(case):
    actual, predicted = case["actual"], case["predicted"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # seqeval warns about tags like 'o' or 'B'; the values are what matter
        precision, recall, f1, support = sequence_labeling.precision_recall_fscore_support(
            actual, predicted, average=None, zero_division=0)
        p, r, f, _ = sequence_labeling.precision_recall_fscore_support(
            actual, predicted, average="micro", zero_division=0)
        types = sorted({t for t, _, _ in sequence_labeling.get_entities(actual)}
                       | {t for t, _, _ in sequence_labeling.get_entities(predicted)})
        accuracy = sequence_labeling.accuracy_score(actual, predicted)
    return dict(case, expected={
        "micro": {"precision": float(p), "recall": float(r), "f1": float(f)},
        "per_type": {t: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]),
                         "support": int(support[i])} for i, t in enumerate(types)},
        "token_accuracy": float(accuracy),
    })


# ---------------------------------------------------------------------------------------------
# SQuAD (torchmetrics)
# ---------------------------------------------------------------------------------------------

SQUAD_QUESTIONS = [
    ("hyphen_joins_words_punctuation_and_case_go", "The Eiffel-Tower!", ["eiffel tower", "Eiffel Tower, Paris"]),
    ("articles_only_as_words", "theory of an anthem", ["The theory of anthem"]),
    ("dotted_abbreviation", "U.S.A.", ["USA", "United States"]),
    ("best_of_several_golds_differs_for_em_and_f1", "Denver Broncos team", ["Broncos", "Denver Broncos", "the team"]),
    ("tie_between_golds", "red blue", ["red green", "green blue"]),
    ("repeated_tokens_are_clipped", "cat cat cat", ["cat", "the cat"]),
    ("empty_prediction", "", ["cat"]),
    ("empty_prediction_empty_gold", "", [""]),
    ("prediction_normalises_to_nothing", "The.", ["", "an"]),
    ("all_wrong", "dog", ["cat", "bird"]),
    ("accents_kept_case_folded", "CAFÉ Münster", ["café münster", "cafe munster"]),
    ("cjk_has_no_spaces", "東京都", ["東京 都", "東京都庁"]),
    ("unicode_punctuation_is_kept", "«Paris» — France", ["Paris France"]),
    ("no_break_space_around_answer", "\u00a0Paris\u00a0", ["Paris"]),
    ("ideographic_space_and_unit_separator", "New\u3000York\u001fCity", ["new york city"]),
    ("superscript_after_article_letter", "²", ["a²"]),
    ("combining_accent_after_article", "the\u0301", ["a\u0301"]),
    ("fraction_after_article", "½ cup", ["the½ cup"]),
    ("underscore_is_a_word_character", "the_end", ["end"]),
    ("turkish_dotted_capital_i", "İstanbul", ["istanbul", "i̇stanbul"]),
]

SQUAD_NORMALISATION_INPUTS = [
    "  The  Eiffel-Tower, in PARIS! ",
    "an apple a day",
    "the theory",
    "\u00a0Paris\u00a0",
    "New\u3000York\u001fCity\u2003!",
    "a² + b²",
    "the½",
    "the\u0301 end",
    "à la carte",
    "a\u0300 la carte",
    "the_end of the_",
    "İstanbul ΟΔΟΣ",
    "«Paris» — France.",
    "",
    "The.",
]


def squad_case(name, questions):
    preds = [{"id": str(i), "prediction_text": p} for i, (_, p, _) in enumerate(questions)]
    target = [{"id": str(i), "answers": {"text": golds, "answer_start": [0] * len(golds)}}
              for i, (_, _, golds) in enumerate(questions)]
    scores = SQUAD_MODULE.squad(preds, target)
    return {
        "name": name,
        "questions": [{"name": n, "prediction": p, "answers": golds} for n, p, golds in questions],
        "expected": {"exact_match_percent": float(scores["exact_match"]), "f1_percent": float(scores["f1"])},
    }


# ---------------------------------------------------------------------------------------------
# ROUGE (rouge-score)
# ---------------------------------------------------------------------------------------------

ROUGE_CASES = [
    {"name": "hand_worked", "pairs": [["The cat sat on the mat.", "the cat is on the mat"]]},
    {"name": "several_pairs_are_averaged",
     "pairs": [["a b", "a b"], ["x", "y"], ["the quick brown fox", "the quick brown dog jumps"],
               ["running dogs ran", "the dog runs"]]},
    {"name": "empty_prediction_and_empty_reference",
     "pairs": [["", "the cat"], ["the cat", ""], ["", ""], ["!!!", "cat"]]},
    {"name": "unicode_accents_and_cjk",
     "pairs": [["Café naïve résumé", "cafe naive resume"], ["東京 is big", "東京 big"], ["\u212aelvin scale", "kelvin scale"],
               ["İstanbul 2024", "istanbul 2024"]]},
    {"name": "repeats_and_order",
     "pairs": [["the the the the", "the cat the dog"], ["a b c d e", "e d c b a"], ["one two one two", "two one two one"]]},
    {"name": "numbers_and_punctuation",
     "pairs": [["It's 3.14, isn't it?", "it s 3 14 isn t it"], ["e-mail: x@y.com", "email x y com"]]},
]

ROUGE_TOKENISATION_INPUTS = [
    "Hello, WORLD-wide 2024!",
    "Café naïve résumé",
    "東京 is big",
    "\u212aelvin İstanbul ΟΔΟΣ",
    "  tabs\tand\nnewlines\u00a0nbsp ",
    "",
    "!!!",
    "It's 3.14",
]


def rouge_case(case):
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    per_pair = []
    for prediction, reference in case["pairs"]:
        scores = scorer.score(reference, prediction)  # rouge_score takes (target, prediction)
        per_pair.append({kind: {"precision": float(s.precision), "recall": float(s.recall), "f1": float(s.fmeasure)}
                         for kind, s in scores.items()})
    means = {kind: math.fsum(pair[kind]["f1"] for pair in per_pair) / len(per_pair)
             for kind in ("rouge1", "rouge2", "rougeL")}
    return dict(case, expected={"per_pair": per_pair, "mean_f1": means})


# ---------------------------------------------------------------------------------------------
# BLEU (sacrebleu)
# ---------------------------------------------------------------------------------------------

BLEU_CASES = [
    {"name": "hand_worked", "predictions": ["a cat sat on the mat."], "references": [["the cat sat on the mat."]]},
    {"name": "brevity_penalty", "predictions": ["the cat sat on"], "references": [["the cat sat on the mat"]]},
    {
        # The closest reference length (8) sets the penalty here, not the shortest (3).
        "name": "closest_reference_length_not_shortest",
        "predictions": ["the cat sat on the mat today"],
        "references": [["the cat sat", "the cat sat on the red mat today"]],
    },
    {
        # Hypothesis of 6 tokens, references of 5 and 7: equally close, the shorter one counts.
        "name": "reference_length_tie_takes_the_shorter",
        "predictions": ["the cat sat on the mat"],
        "references": [["the cat sat on the", "the cat sat on the mat too"]],
    },
    {
        "name": "clipping_and_best_reference_counts",
        "predictions": ["the the the the"],
        "references": [["the cat", "the the dog"]],
    },
    {
        "name": "corpus_with_variable_reference_counts",
        "predictions": ["the quick brown fox jumps over the lazy dog",
                        "a stitch in time saves nine .",
                        "it is raining cats and dogs"],
        "references": [["the quick brown fox jumped over the lazy dog", "a fast brown fox jumps over a lazy dog"],
                       ["a stitch in time saves nine."],
                       ["it's raining cats and dogs", "it is pouring", "cats and dogs are falling from the sky"]],
    },
    {
        "name": "unicode_and_cjk",
        "predictions": ["Größe des Cafés: naïve Frage.", "我爱北京天安门 。", "東京\u3000大阪 と 京都"],
        "references": [["Größe des Cafés: eine naïve Frage."], ["我爱北京天安门。"], ["東京 大阪 と 京都"]],
    },
    {
        "name": "numbers_entities_and_dashes",
        "predictions": ["It costs 1,000.50 dollars, 3-4 times &amp; more (really).",
                        "see <skipped> page 7-\n8 &lt;now&gt;"],
        "references": [["It costs 1,000.50 dollars, 3-4 times & more (really)."], ["see page 7-8 <now>"]],
    },
    {
        "name": "whitespace_no_break_space_and_trailing_hyphen_newline",
        "predictions": ["the\u00a0cat sat on the mat", "a well-\n", "\u2003spaced\u2002out  words\u3000here "],
        "references": [["the cat sat on the mat"], ["a well-"], ["spaced out words here"]],
    },
    {
        "name": "one_empty_prediction_in_a_corpus",
        "predictions": ["the cat sat on the mat", ""],
        "references": [["the cat sat on the mat"], ["a dog"]],
    },
    {"name": "all_predictions_empty", "predictions": ["", ""], "references": [["a dog"], ["the cat"]]},
    {"name": "empty_reference", "predictions": ["the cat sat on the mat"], "references": [[""]]},
    {"name": "all_wrong", "predictions": ["x y z w v"], "references": [["a b c d e"]]},
    {"name": "no_four_grams_in_the_prediction", "predictions": ["the cat", "sat on"],
     "references": [["the cat"], ["sat on"]]},
    {"name": "perfect", "predictions": ["the cat sat on the mat .", "good movie"],
     "references": [["the cat sat on the mat .", "a cat"], ["good movie"]]},
]

BLEU_TOKENISATION_INPUTS = [
    "Hello, world! It's 1,000.50 dollars-ish (really).",
    "&quot;quoted&quot; &amp; &lt;tag&gt;",
    "3-4 pages, 2.5.",
    "<skipped>word-\nbreak",
    "a well-\n",
    "the\u00a0cat\u3000sat\u2003here\u001fend",
    "Größe des Cafés: naïve Frage.",
    "我爱北京天安门。",
    "emoji 😀.",
    "",
    "   ",
]


def bleu_metric():
    return BLEU(tokenize="13a", smooth_method="none", lowercase=False, effective_order=False, max_ngram_order=4)


def bleu_case(case):
    streams = max(len(refs) for refs in case["references"])
    references = [[refs[k] if k < len(refs) else None for refs in case["references"]] for k in range(streams)]
    score = bleu_metric().corpus_score(case["predictions"], references)
    return dict(case, expected={
        "score_percent": float(score.score),
        "precisions_percent": [float(p) for p in score.precisions],
        "brevity_penalty": float(score.bp),
        "prediction_length": int(score.sys_len),
        "reference_length": int(score.ref_len),
        "matches": [int(c) for c in score.counts],
        "possible": [int(t) for t in score.totals],
    })


# ---------------------------------------------------------------------------------------------
# Perplexity (transformers' GPT-2 loss)
# ---------------------------------------------------------------------------------------------

PERPLEXITY_MAX_LENGTH = 64
PERPLEXITY_TEXTS = [
    "the cat sat on the mat.",
    "a dog",
    "",
    "good movie , bad movie . the movie was good",
    "Café über naïve 東京, the cat!",
    "the mat is bad . " * 14,  # 71 tokens with [CLS] and [SEP]: cut to 64
]


def perplexity_section(gpt2_dir):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    tokenizer = tokenizers.Tokenizer.from_file(str(gpt2_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=PERPLEXITY_MAX_LENGTH)
    model = transformers.GPT2LMHeadModel.from_pretrained(str(gpt2_dir))
    model.eval()
    texts = []
    total_nll = 0.0
    total_tokens = 0
    with torch.no_grad():
        for text in PERPLEXITY_TEXTS:
            ids = tokenizer.encode(text).ids
            input_ids = torch.tensor([ids])
            output = model(input_ids=input_ids, labels=input_ids)
            logits = output.logits[0, :-1].to(torch.float64)
            nll = float(torch.nn.functional.cross_entropy(logits, input_ids[0, 1:], reduction="sum"))
            tokens = len(ids) - 1
            if abs(nll / tokens - float(output.loss)) > 1e-6:
                raise AssertionError(f"float64 NLL {nll / tokens} disagrees with transformers' loss {output.loss}")
            texts.append({
                "text": text, "ids": ids, "tokens": tokens, "negative_log_likelihood": nll,
                "transformers_loss_float32": float(output.loss), "perplexity": math.exp(nll / tokens),
            })
            total_nll += nll
            total_tokens += tokens
    files = {name: hashlib.sha256((gpt2_dir / name).read_bytes()).hexdigest()
             for name in ("config.json", "model.safetensors", "tokenizer.json")}
    return {
        "settings": PERPLEXITY_SETTINGS,
        "max_length": PERPLEXITY_MAX_LENGTH,
        "model_sha256": files,
        "texts": texts,
        "expected": {"negative_log_likelihood": total_nll, "tokens": total_tokens,
                     "mean_negative_log_likelihood": total_nll / total_tokens,
                     "perplexity": math.exp(total_nll / total_tokens)},
    }


# ---------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gpt2", type=Path, default=REPOSITORY / "fixtures" / "hf-tiny" / "gpt2",
                        help="the tiny GPT-2 directory (default: fixtures/hf-tiny/gpt2)")
    parser.add_argument("--output", type=Path, default=REPOSITORY / "fixtures" / "metrics" / "reference-metrics.json")
    args = parser.parse_args()
    gpt2_dir = args.gpt2
    if not (gpt2_dir / "model.safetensors").is_file():
        parser.error(f"no GPT-2 fixture at {gpt2_dir}")

    squad_cases = [squad_case(name, [(name, p, golds)]) for name, p, golds in SQUAD_QUESTIONS]
    squad_cases.append(squad_case("all_questions_together", SQUAD_QUESTIONS))
    document = {
        "header": {
            "generator": "reference/metrics_reference.py",
            "libraries": libraries(),
            "tolerance": "the engine must give every value to 1e-6 (absolute; fractions, so percentages / 100)",
        },
        "classification": {"settings": CLASSIFICATION_SETTINGS,
                           "cases": [classification_case(c) for c in CLASSIFICATION_CASES]},
        "entities": {"settings": ENTITY_SETTINGS, "cases": [entity_case(c) for c in ENTITY_CASES]},
        "squad": {
            "settings": SQUAD_SETTINGS,
            "cases": squad_cases,
            "normalisation": [{"text": t, "expected": SQUAD_MODULE._normalize_text(t)} for t in SQUAD_NORMALISATION_INPUTS],
        },
        "rouge": {
            "settings": ROUGE_SETTINGS,
            "cases": [rouge_case(c) for c in ROUGE_CASES],
            "tokenisation": [{"text": t, "expected": rouge_tokenize.tokenize(t, None)}
                             for t in ROUGE_TOKENISATION_INPUTS],
        },
        "bleu": {
            "settings": BLEU_SETTINGS,
            "cases": [bleu_case(c) for c in BLEU_CASES],
            # What BLEU counts: the segment as sacrebleu preprocesses it (rstrip, 13a), split on white space.
            "tokenisation": [{"text": t, "expected": bleu_metric()._preprocess_segment(t).split()}
                             for t in BLEU_TOKENISATION_INPUTS],
        },
        "perplexity": perplexity_section(gpt2_dir),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, sort_keys=True, indent=1, ensure_ascii=True, allow_nan=False) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
