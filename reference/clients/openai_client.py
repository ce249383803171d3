"""OpenAI's Python SDK calling a ModelCat online endpoint, as a user's application would.

Usage: openai_client.py <base_url> <api_key> <deployment> <prompt> <max_tokens>
Prints one JSON object: the completion's text, finish reason and usage; the streamed text and the
chunk count; the listed model ids; and the status and message of a request the endpoint must refuse.
"""
import json
import sys

import openai
from openai import OpenAI


def main() -> None:
    base_url, api_key, deployment, prompt, max_tokens = sys.argv[1:6]
    client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=60)

    completion = client.completions.create(model=deployment, prompt=prompt, max_tokens=int(max_tokens), temperature=0)
    choice = completion.choices[0]

    chunks = list(client.completions.create(model=deployment, prompt=prompt, max_tokens=int(max_tokens),
                                            temperature=0, stream=True))
    streamed = "".join(c.choices[0].text for c in chunks if c.choices)

    refused = {}
    try:
        client.completions.create(model=deployment, prompt=prompt, max_tokens=100000)
    except openai.BadRequestError as e:
        refused = {"status": e.status_code, "message": e.message}

    print(json.dumps({
        "text": choice.text,
        "finish_reason": choice.finish_reason,
        "usage": completion.usage.model_dump(),
        "model": completion.model,
        "streamed": streamed,
        "chunks": len(chunks),
        "models": [m.id for m in client.models.list()],
        "refused": refused,
    }))


if __name__ == "__main__":
    main()
