"""LangChain's AzureMLOnlineEndpoint calling a ModelCat online endpoint with each of its content formatters.

Usage: langchain_client.py <score_uri> <completions_uri> <api_key> <deployment> <prompt> <max_new_tokens>
  score_uri        the endpoint's keyScoringUri, <base>/score: LangChain wants the path to be exactly /score (Azure
                   names the endpoint in the host name; ModelCat finds it by the key)
  completions_uri  <base>/completions, the serverless route (its path is checked too)
Prints one JSON object: per formatter, {"text": ...} or {"status": ..., "body": ...} when the endpoint refused.
The formatters' bodies and answer parsing are LangChain's, unchanged.
"""
import json
import sys
import urllib.error
import warnings

warnings.simplefilter("ignore")  # langchain-community announces its sunset on import

from langchain_community.llms.azureml_endpoint import (  # noqa: E402
    AzureMLOnlineEndpoint,
    CustomOpenAIContentFormatter,
    DollyContentFormatter,
    GPT2ContentFormatter,
    HFContentFormatter,
    LlamaContentFormatter,
)


def endpoint(url: str, api_key: str, formatter, api_type: str, model_kwargs: dict,
             deployment: str = "") -> AzureMLOnlineEndpoint:
    # The type goes in as a string: LangChain reads it through get_from_dict_or_env, which str()s an enum member
    # into 'AzureMLEndpointApiType.dedicated' and then refuses that.
    return AzureMLOnlineEndpoint(endpoint_url=url, endpoint_api_key=api_key, endpoint_api_type=api_type,
                                 content_formatter=formatter, model_kwargs=model_kwargs, deployment_name=deployment,
                                 timeout=60)


def invoke(make, prompt: str) -> dict:
    try:
        return {"text": make().invoke(prompt)}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": e.read().decode("utf-8", "replace")}
    except ValueError as e:  # LangChain refused the settings (pydantic's ValidationError) or the answer
        return {"refused": str(e)}


def main() -> None:
    score_uri, completions_uri, api_key, deployment, prompt, max_new_tokens = sys.argv[1:7]
    greedy = {"max_new_tokens": int(max_new_tokens), "do_sample": False}

    def dedicated(formatter, name=""):
        return lambda: endpoint(score_uri, api_key, formatter, "dedicated", greedy, name)

    def serverless(kwargs):
        return lambda: endpoint(completions_uri, api_key, CustomOpenAIContentFormatter(), "serverless", kwargs)

    formatters = {
        "GPT2ContentFormatter": invoke(dedicated(GPT2ContentFormatter()), prompt),
        "HFContentFormatter": invoke(dedicated(HFContentFormatter()), prompt),
        "DollyContentFormatter": invoke(dedicated(DollyContentFormatter()), prompt),
        "CustomOpenAIContentFormatter": invoke(dedicated(CustomOpenAIContentFormatter()), prompt),
        "LlamaContentFormatter": invoke(dedicated(LlamaContentFormatter()), prompt),
        # The pinned deployment through LangChain's azureml-model-deployment header.
        "GPT2ContentFormatter pinned": invoke(dedicated(GPT2ContentFormatter(), deployment), prompt),
        # Serverless: {"prompt", **model_kwargs} to the completions route, answer choices[0].text stripped. Azure's
        # serverless API needs no model (the traffic split answers); naming one pins that deployment.
        "CustomOpenAIContentFormatter serverless": invoke(serverless(
            {"max_tokens": int(max_new_tokens), "temperature": 0}), prompt),
        "CustomOpenAIContentFormatter serverless with model": invoke(serverless(
            {"model": deployment, "max_tokens": int(max_new_tokens), "temperature": 0}), prompt),
    }
    print(json.dumps({"formatters": formatters}))


if __name__ == "__main__":
    main()
