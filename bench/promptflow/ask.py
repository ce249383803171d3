"""The benchmark flow's one node: the question to the fake provider with OpenAI's SDK (FAKE_LLM_BASE_URL)."""
import os

from openai import OpenAI
from promptflow.core import tool

_client = None


def client() -> OpenAI:
    # One client per worker process, kept between rows (its connection pool too), as a real flow would.
    global _client
    if _client is None:
        _client = OpenAI(base_url=os.environ["FAKE_LLM_BASE_URL"], api_key="unused",
                         max_retries=int(os.environ.get("FAKE_LLM_MAX_RETRIES", "2")))
    return _client


@tool
def ask(question: str) -> str:
    answer = client().chat.completions.create(model="fake-small", messages=[{"role": "user", "content": question}])
    return answer.choices[0].message.content
