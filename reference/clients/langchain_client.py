"""LangChain's AzureMLOnlineEndpoint calling a ModelCat online endpoint with each of its content formatters.

Usage: langchain_client.py <scoring_uri> <completions_uri> <api_key> <deployment> <prompt> <max_new_tokens>
Prints one JSON object:
  scoring_uri_refused   LangChain's own check of the URL when given ModelCat's scoring URI as it is: it wants
                        the path to be exactly /score (Azure puts the endpoint's name in the host), so null
                        means accepted and a string is its message
  formatters            per formatter, {"text": ...} or {"status": ..., "body": ...} when the endpoint refused
The formatters are driven through a client whose URL is set after LangChain's checks (the workaround users need
while the path check stands); the formatters' bodies and answer parsing are LangChain's, unchanged.
"""
import json
import sys
import urllib.error
import warnings
from urllib.parse import urlparse, urlunparse

warnings.simplefilter("ignore")  # langchain-community announces its sunset on import

from langchain_community.llms.azureml_endpoint import (  # noqa: E402
    AzureMLEndpointApiType,
    AzureMLOnlineEndpoint,
    CustomOpenAIContentFormatter,
    DollyContentFormatter,
    GPT2ContentFormatter,
    HFContentFormatter,
    LlamaContentFormatter,
)


def with_path(url: str, path: str) -> str:
    return urlunparse(urlparse(url)._replace(path=path))


def endpoint(url: str, api_key: str, formatter, api_type: AzureMLEndpointApiType, model_kwargs: dict,
             deployment: str = "") -> AzureMLOnlineEndpoint:
    # LangChain accepts only .../score (dedicated) or .../completions (serverless) as the whole path.
    stand_in = with_path(url, "/score" if api_type == AzureMLEndpointApiType.dedicated else "/completions")
    # The type goes in as its string: LangChain reads it through get_from_dict_or_env, which str()s an enum member.
    llm = AzureMLOnlineEndpoint(endpoint_url=stand_in, endpoint_api_key=api_key, endpoint_api_type=api_type.value,
                                content_formatter=formatter, model_kwargs=model_kwargs, deployment_name=deployment,
                                timeout=60)
    llm.http_client.endpoint_url = url
    return llm


def invoke(llm: AzureMLOnlineEndpoint, prompt: str) -> dict:
    try:
        return {"text": llm.invoke(prompt)}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": e.read().decode("utf-8", "replace")}


def main() -> None:
    scoring_uri, completions_uri, api_key, deployment, prompt, max_new_tokens = sys.argv[1:7]
    greedy = {"max_new_tokens": int(max_new_tokens), "do_sample": False}

    try:
        AzureMLOnlineEndpoint(endpoint_url=scoring_uri, endpoint_api_key=api_key,
                              content_formatter=GPT2ContentFormatter())
        refused = None
    except ValueError as e:  # pydantic's ValidationError
        refused = str(e)

    dedicated = AzureMLEndpointApiType.dedicated
    serverless = AzureMLEndpointApiType.serverless
    formatters = {
        "GPT2ContentFormatter": invoke(endpoint(scoring_uri, api_key, GPT2ContentFormatter(), dedicated, greedy), prompt),
        "HFContentFormatter": invoke(endpoint(scoring_uri, api_key, HFContentFormatter(), dedicated, greedy), prompt),
        "DollyContentFormatter": invoke(endpoint(scoring_uri, api_key, DollyContentFormatter(), dedicated, greedy),
                                        prompt),
        "CustomOpenAIContentFormatter": invoke(endpoint(scoring_uri, api_key, CustomOpenAIContentFormatter(),
                                                        dedicated, greedy), prompt),
        "LlamaContentFormatter": invoke(endpoint(scoring_uri, api_key, LlamaContentFormatter(), dedicated, greedy),
                                        prompt),
        # The pinned deployment through LangChain's azureml-model-deployment header.
        "GPT2ContentFormatter pinned": invoke(endpoint(scoring_uri, api_key, GPT2ContentFormatter(), dedicated, greedy,
                                                       deployment), prompt),
        # Serverless: {"prompt", **model_kwargs} to an OpenAI-style completions URL, answer choices[0].text stripped.
        "CustomOpenAIContentFormatter serverless": invoke(endpoint(
            completions_uri, api_key, CustomOpenAIContentFormatter(), serverless,
            {"model": deployment, "max_tokens": int(max_new_tokens), "temperature": 0}), prompt),
        "CustomOpenAIContentFormatter serverless without model": invoke(endpoint(
            completions_uri, api_key, CustomOpenAIContentFormatter(), serverless,
            {"max_tokens": int(max_new_tokens), "temperature": 0}), prompt),
    }
    print(json.dumps({"scoring_uri_refused": refused, "formatters": formatters}))


if __name__ == "__main__":
    main()
