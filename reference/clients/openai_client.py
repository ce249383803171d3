"""OpenAI's Python SDK calling a ModelCat online endpoint, as a user's application would.

Usage:
  openai_client.py completions <base_url> <api_key> <deployment> <prompt> <max_tokens>
      Prints one JSON object: the completion's text, finish reason and usage; the streamed text and the
      chunk count; n choices greedy and sampled; the listed model ids; the log-probabilities of a greedy
      completion (logprobs=2), whole and streamed; and the status and message of requests the endpoint must
      refuse (too many tokens; chat, for a model without a chat template; more log-probabilities than OpenAI gives).
  openai_client.py chat <base_url> <api_key> <deployment> <model_dir> <max_tokens>
      Prints one JSON object: a chat completion and the same chat streamed, the prompt that transformers'
      apply_chat_template renders from the model's files in <model_dir> (and its token count), and the
      completion of that prompt through /v1/completions, all greedy, to compare; the chat's log-probabilities
      (top_logprobs=2), whole and streamed, beside those of transformers' own greedy generation; and a prompt
      echoed with no new token (echo=True, max_tokens=0, logprobs=1, as evaluation harnesses score a text)
      beside transformers' log-softmax over the same tokens; and lm-evaluation-harness's log-likelihood
      request (max_tokens=1), with the prompt as text and as token ids.
"""
import json
import sys

import openai
from openai import OpenAI

# Short: the tiny chat model has 64 positions.
MESSAGES = [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "the cat sat? 猫"}]
ECHOED = "The cat sat on the mat. 猫"


def completions(client: OpenAI, deployment: str, prompt: str, max_tokens: int) -> dict:
    completion = client.completions.create(model=deployment, prompt=prompt, max_tokens=max_tokens, temperature=0)
    choice = completion.choices[0]

    chunks = list(client.completions.create(model=deployment, prompt=prompt, max_tokens=max_tokens,
                                            temperature=0, stream=True, stream_options={"include_usage": True}))
    streamed = "".join(c.choices[0].text for c in chunks if c.choices)
    finish = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]

    greedy = client.completions.create(model=deployment, prompt=prompt, max_tokens=max_tokens, temperature=0, n=3)
    sampled = client.completions.create(model=deployment, prompt=prompt, max_tokens=max_tokens, temperature=1.0,
                                        seed=11, n=4)
    sampled_stream = {}
    for c in client.completions.create(model=deployment, prompt=prompt, max_tokens=max_tokens, temperature=1.0,
                                       seed=11, n=4, stream=True):
        for ch in c.choices:
            sampled_stream[ch.index] = sampled_stream.get(ch.index, "") + ch.text

    refused = {}
    try:
        client.completions.create(model=deployment, prompt=prompt, max_tokens=100000)
    except openai.BadRequestError as e:
        refused = {"status": e.status_code, "message": e.message}
    refused_chat = {}
    try:
        client.chat.completions.create(model=deployment, messages=MESSAGES, max_tokens=max_tokens)
    except openai.BadRequestError as e:
        refused_chat = {"status": e.status_code, "message": e.message}
    refused_logprobs = {}
    try:
        client.completions.create(model=deployment, prompt=prompt, max_tokens=max_tokens, logprobs=6)
    except openai.BadRequestError as e:
        refused_logprobs = {"status": e.status_code, "message": e.message, "param": e.param}
    with_logprobs = client.completions.create(model=deployment, prompt=prompt, max_tokens=max_tokens, temperature=0,
                                              logprobs=2)
    logprobs = with_logprobs.choices[0].logprobs
    streamed_logprobs = {"tokens": [], "token_logprobs": [], "text_offset": []}
    for c in client.completions.create(model=deployment, prompt=prompt, max_tokens=max_tokens, temperature=0,
                                       logprobs=2, stream=True):
        if c.choices and c.choices[0].logprobs:
            for field in streamed_logprobs:
                streamed_logprobs[field] += getattr(c.choices[0].logprobs, field)

    return {
        "text": choice.text,
        "finish_reason": choice.finish_reason,
        "usage": completion.usage.model_dump(),
        "model": completion.model,
        "streamed": streamed,
        "chunks": len(chunks),
        "stream_finish_reasons": finish,
        "stream_usage": chunks[-1].usage.model_dump() if chunks[-1].usage else None,
        "greedy_n": [c.text for c in sorted(greedy.choices, key=lambda c: c.index)],
        "sampled_n": [c.text for c in sorted(sampled.choices, key=lambda c: c.index)],
        "sampled_n_streamed": [sampled_stream[i] for i in sorted(sampled_stream)],
        "models": [m.id for m in client.models.list()],
        "refused": refused,
        "refused_chat": refused_chat,
        "refused_logprobs": refused_logprobs,
        "logprobs_text": with_logprobs.choices[0].text,
        "logprobs": logprobs.model_dump(),
        "streamed_logprobs": streamed_logprobs,
    }


def token_logprobs(content) -> list:
    """A chat answer's log-probabilities: each token, its log-probability and the likeliest tokens' (text, value)."""
    return [{"token": t.token, "logprob": t.logprob, "bytes": t.bytes,
             "top": [[top.token, top.logprob] for top in t.top_logprobs]} for t in content]


def chat(client: OpenAI, deployment: str, model_dir: str, max_tokens: int) -> dict:
    import torch
    import transformers

    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    rendered = tokenizer.apply_chat_template(MESSAGES, tokenize=False, add_generation_prompt=True)
    answer = client.chat.completions.create(model=deployment, messages=MESSAGES, max_tokens=max_tokens, temperature=0)
    chunks = list(client.chat.completions.create(model=deployment, messages=MESSAGES, max_tokens=max_tokens,
                                                 temperature=0, stream=True, stream_options={"include_usage": True}))
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    completion = client.completions.create(model=deployment, prompt=rendered, max_tokens=max_tokens, temperature=0)
    # transformers' own greedy generation of the rendered prompt with the same weights.
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir).eval()
    ids = tokenizer(rendered, add_special_tokens=False, return_tensors="pt").input_ids
    generated = model.generate(ids, attention_mask=ids.new_ones(ids.shape), max_new_tokens=max_tokens, do_sample=False,
                               pad_token_id=tokenizer.pad_token_id, output_logits=True, return_dict_in_generate=True)
    new_tokens = generated.sequences[0, ids.shape[1]:]
    reference = tokenizer.decode(new_tokens, skip_special_tokens=True)
    # Each generated token's log-softmax of the raw logits, and the two likeliest (the end-of-sequence token too).
    reference_logprobs = []
    for step, token in enumerate(new_tokens.tolist()):
        logp = torch.log_softmax(generated.logits[step][0].double(), dim=-1)
        top = torch.topk(logp, 2)
        reference_logprobs.append({"token": tokenizer.decode([token]), "logprob": logp[token].item(),
                                   "top": [[tokenizer.decode([i]), v] for i, v in zip(top.indices.tolist(),
                                                                                      top.values.tolist())]})
    with_logprobs = client.chat.completions.create(model=deployment, messages=MESSAGES, max_tokens=max_tokens,
                                                   temperature=0, logprobs=True, top_logprobs=2)
    streamed_logprobs = []
    for c in client.chat.completions.create(model=deployment, messages=MESSAGES, max_tokens=max_tokens,
                                            temperature=0, logprobs=True, top_logprobs=2, stream=True):
        if c.choices and c.choices[0].logprobs:
            streamed_logprobs += token_logprobs(c.choices[0].logprobs.content)
    # Sampled with a seed: the chat, the chat streamed and the rendered prompt's completion draw the same tokens.
    sampled = client.chat.completions.create(model=deployment, messages=MESSAGES, max_tokens=max_tokens * 2,
                                             temperature=1.0, seed=3)
    sampled_stream = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
        model=deployment, messages=MESSAGES, max_tokens=max_tokens * 2, temperature=1.0, seed=3, stream=True)
        if c.choices)
    sampled_completion = client.completions.create(model=deployment, prompt=rendered, max_tokens=max_tokens * 2,
                                                   temperature=1.0, seed=3)
    # A text scored: the prompt echoed with its tokens' log-probabilities, and transformers' over the same tokens.
    echoed = client.completions.create(model=deployment, prompt=ECHOED, max_tokens=0, echo=True, logprobs=1,
                                       temperature=0).choices[0]
    echo_ids = tokenizer(ECHOED, return_tensors="pt").input_ids
    with torch.no_grad():
        echo_logp = torch.log_softmax(model(echo_ids).logits[0].double(), dim=-1)
    echo_reference = [echo_logp[p - 1, echo_ids[0, p]].item() for p in range(1, echo_ids.shape[1])]
    # lm-evaluation-harness's log-likelihood request (local-completions): one new token after the echoed prompt; it
    # reads the continuation's values as token_logprobs[context_tokens:-1], so the list must be prompt + 1 long.
    harness = client.completions.create(model=deployment, prompt=ECHOED, temperature=0, max_tokens=1, logprobs=1,
                                        seed=1234, echo=True).choices[0].logprobs
    # The same with the prompt as token ids, as the harness sends it by default (tokenized_requests=True).
    harness_ids = client.completions.create(model=deployment, prompt=echo_ids[0].tolist(), temperature=0,
                                            max_tokens=1, logprobs=1, seed=1234, echo=True).choices[0]
    return {
        "echoed_text": echoed.text,
        "echoed_tokens": echoed.logprobs.tokens,
        "echoed_token_logprobs": echoed.logprobs.token_logprobs,
        "echoed_text_offset": echoed.logprobs.text_offset,
        "echoed_finish_reason": echoed.finish_reason,
        "harness_token_logprobs": harness.token_logprobs,
        "harness_top_logprobs": harness.top_logprobs,
        "harness_ids_token_logprobs": harness_ids.logprobs.token_logprobs,
        "harness_ids_text": harness_ids.text,
        "transformers_echo_tokens": [tokenizer.decode([i]) for i in echo_ids[0].tolist()],
        "transformers_echo_logprobs": echo_reference,
        "transformers_greedy": reference,
        "sampled": sampled.choices[0].message.content,
        "sampled_streamed": sampled_stream,
        "sampled_completion": sampled_completion.choices[0].text,
        "content": answer.choices[0].message.content,
        "role": answer.choices[0].message.role,
        "object": answer.object,
        "finish_reason": answer.choices[0].finish_reason,
        "usage": answer.usage.model_dump(),
        "streamed": "".join(d.content or "" for d in deltas),
        "stream_roles": [d.role for d in deltas if d.role],
        "stream_objects": sorted({c.object for c in chunks}),
        "stream_finish_reasons": [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason],
        "stream_usage": chunks[-1].usage.model_dump() if chunks[-1].usage else None,
        "rendered": rendered,
        "rendered_tokens": len(tokenizer(rendered, add_special_tokens=False)["input_ids"]),
        "completion": completion.choices[0].text,
        "logprobs": token_logprobs(with_logprobs.choices[0].logprobs.content),
        "streamed_logprobs": streamed_logprobs,
        "transformers_logprobs": reference_logprobs,
    }


def main() -> None:
    mode, base_url, api_key, deployment, subject, max_tokens = sys.argv[1:7]
    client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=60)
    if mode == "completions":
        print(json.dumps(completions(client, deployment, subject, int(max_tokens))))
    else:
        print(json.dumps(chat(client, deployment, subject, int(max_tokens))))


if __name__ == "__main__":
    main()
