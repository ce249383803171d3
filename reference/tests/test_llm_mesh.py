"""ModelCat's LLM mesh works with the real OpenAI SDK: base_url is <catalog>/api/v1/llm/v1, the api_key a ModelCat
API token, model '<connection>/<model>'; so does LangChain's ChatOpenAI (langchain-openai). The connection points at test-support's FakeLlmProvider, which echoes the
last message ("echo: ...") and counts words as tokens.

system-tests' LlmMeshSystemTest sets the environment:

    MODELCAT_LLM_BASE_URL=http://host:port/api/v1/llm/v1 MODELCAT_LLM_TOKEN=mc_pat_... \
        MODELCAT_LLM_MODEL=fake/fake-small MODELCAT_LLM_REFUSED_MODEL=fake/fake-large \
        reference/.venv/bin/python -m pytest reference/tests/test_llm_mesh.py
"""
import os

import openai
import pytest

BASE_URL = os.environ.get("MODELCAT_LLM_BASE_URL")
pytestmark = pytest.mark.skipif(not BASE_URL, reason="MODELCAT_LLM_BASE_URL is not set (LlmMeshSystemTest sets it)")
MESSAGES = [{"role": "system", "content": "You repeat."}, {"role": "user", "content": "hello from python"}]


@pytest.fixture
def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=os.environ["MODELCAT_LLM_TOKEN"], max_retries=0)


def test_models_lists_the_connections_allowed_models(client):
    ids = [m.id for m in client.models.list()]
    assert os.environ["MODELCAT_LLM_MODEL"] in ids
    assert os.environ["MODELCAT_LLM_REFUSED_MODEL"] not in ids


def test_a_chat_completion(client):
    answer = client.chat.completions.create(model=os.environ["MODELCAT_LLM_MODEL"], messages=MESSAGES)
    assert answer.choices[0].message.content == "echo: hello from python"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage.prompt_tokens == 3
    assert answer.usage.completion_tokens == 4
    assert answer.usage.total_tokens == 7


def test_a_streamed_chat_completion(client):
    stream = client.chat.completions.create(model=os.environ["MODELCAT_LLM_MODEL"], messages=MESSAGES, stream=True)
    pieces = []
    usage = None
    chunks = 0
    for chunk in stream:
        chunks += 1
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            pieces.append(choice.delta.content or "")
    assert "".join(pieces) == "echo: hello from python"
    assert chunks > 2
    assert usage is not None and usage.total_tokens == 7


def test_a_model_the_connection_does_not_allow_is_a_bad_request(client):
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(model=os.environ["MODELCAT_LLM_REFUSED_MODEL"], messages=MESSAGES)
    assert refused.value.status_code == 400
    assert refused.value.param == "model"
    assert refused.value.code == "model_not_allowed"


def test_a_wrong_token_is_refused():
    bad = openai.OpenAI(base_url=BASE_URL, api_key="mc_pat_not-a-token", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(model=os.environ["MODELCAT_LLM_MODEL"], messages=MESSAGES)


def test_langchain_chat_openai_calls_the_mesh():
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=BASE_URL, api_key=os.environ["MODELCAT_LLM_TOKEN"],
                     model=os.environ["MODELCAT_LLM_MODEL"], max_retries=0)
    messages = [("system", "You repeat."), ("human", "hello from python")]
    answer = llm.invoke(messages)
    assert answer.content == "echo: hello from python"
    assert answer.usage_metadata["total_tokens"] == 7
    assert "".join(chunk.content for chunk in llm.stream(messages)) == "echo: hello from python"
