"""ModelCat's Hub API (/hub) with the real clients: huggingface_hub and transformers, pointed at ModelCat by
HF_ENDPOINT and authenticated by a ModelCat API token as HF_TOKEN, as a notebook in an air-gapped site would be.

$MODELCAT_HUB_CASE is a JSON file that system-tests' HubSystemTest writes: the fine-tuned model's repository id and
commit id, an uploaded model's repository id, the engine's label scores ("Try it") for a few texts, and a viewer's
token (viewers read cards but may not download models). HF_TOKEN is a contributor's token.

    HF_ENDPOINT=http://host:port/hub HF_TOKEN=mc_pat_... MODELCAT_HUB_CASE=/path/case.json \
        reference/.venv/bin/python -m pytest reference/tests/test_hub.py
"""
import hashlib
import http.client
import http.server
import json
import os
import threading
import urllib.parse
from pathlib import Path

import huggingface_hub
import pytest
import torch
import transformers
from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import (EntryNotFoundError, HfHubHTTPError, RepositoryNotFoundError,
                                    RevisionNotFoundError)

TOLERANCE = 1e-4
CASE = os.environ.get("MODELCAT_HUB_CASE")
pytestmark = pytest.mark.skipif(not CASE, reason="MODELCAT_HUB_CASE is not set (system-tests' HubSystemTest sets it)")


def case():
    return json.loads(Path(CASE).read_text(encoding="utf-8"))


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def test_the_endpoint_is_modelcat():
    assert huggingface_hub.constants.ENDPOINT == os.environ["HF_ENDPOINT"].rstrip("/")
    assert huggingface_hub.constants.ENDPOINT.endswith("/hub")


def test_model_info_names_the_version_and_its_files():
    c = case()
    info = HfApi().model_info(c["finetuned"], files_metadata=True)
    assert info.id == c["finetuned"]
    assert info.sha == c["commit"]
    assert info.pipeline_tag == "text-classification"
    names = {s.rfilename for s in info.siblings}
    assert {"config.json", "model.safetensors"} <= names
    weights = next(s for s in info.siblings if s.rfilename == "model.safetensors")
    assert weights.lfs is not None and len(weights.lfs.sha256) == 64 and weights.size == weights.lfs.size


@pytest.mark.parametrize("key", ["finetuned", "uploaded"])
def test_snapshot_download_fetches_every_file_with_its_size_and_hash(tmp_path, key):
    repo = case()[key]
    folder = Path(snapshot_download(repo, cache_dir=tmp_path))
    info = HfApi().model_info(repo, files_metadata=True)
    assert folder.name == info.sha
    for sibling in info.siblings:
        path = folder / sibling.rfilename
        assert path.is_file(), sibling.rfilename
        assert path.stat().st_size == sibling.size, sibling.rfilename
        if sibling.lfs is not None:
            assert sha256(path) == sibling.lfs.sha256, sibling.rfilename


def test_hf_hub_download_by_version_and_commit(tmp_path):
    c = case()
    by_commit = hf_hub_download(c["finetuned"], "config.json", revision=c["commit"], cache_dir=tmp_path)
    by_version = hf_hub_download(c["finetuned"], "config.json", revision="v1", cache_dir=tmp_path / "v")
    assert Path(by_commit).read_bytes() == Path(by_version).read_bytes()
    assert json.loads(Path(by_commit).read_text())["architectures"][0].endswith("ForSequenceClassification")


class CuttingProxy(http.server.ThreadingHTTPServer):
    """Forwards to ModelCat; the first GET of model.safetensors is cut half-way, as a broken connection would be."""

    def __init__(self, upstream):
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.upstream = urllib.parse.urlsplit(upstream)
        self.cut = False
        self.ranges = []


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        server = self.server
        connection = http.client.HTTPConnection(server.upstream.hostname, server.upstream.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        if "model.safetensors" in self.path and self.command == "GET":
            server.ranges.append(self.headers.get("Range"))
        connection.request(self.command, self.path, headers=headers)
        response = connection.getresponse()
        body = response.read() if self.command != "HEAD" else b""
        self.send_response(response.status)
        for k, v in response.getheaders():
            if k.lower() not in ("connection", "transfer-encoding"):
                self.send_header(k, v)
        self.end_headers()
        if self.command == "GET" and "model.safetensors" in self.path and not server.cut:
            server.cut = True
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    do_GET = forward
    do_HEAD = forward


def test_hf_hub_download_resumes_after_a_broken_connection(tmp_path, monkeypatch):
    c = case()
    # huggingface_hub keeps what it has read in whole chunks (10 MiB): smaller ones make a tiny file resumable.
    monkeypatch.setattr(huggingface_hub.constants, "DOWNLOAD_CHUNK_SIZE", 4096)
    upstream = os.environ["HF_ENDPOINT"].rstrip("/")
    proxy = CuttingProxy(upstream)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{proxy.server_address[1]}{urllib.parse.urlsplit(upstream).path}"
        path = hf_hub_download(c["finetuned"], "model.safetensors", cache_dir=tmp_path, endpoint=endpoint)
    finally:
        proxy.shutdown()
    info = HfApi().model_info(c["finetuned"], files_metadata=True)
    weights = next(s for s in info.siblings if s.rfilename == "model.safetensors")
    assert sha256(path) == weights.lfs.sha256
    assert proxy.cut
    # The second request asked only for the rest: from the last whole chunk before the cut.
    assert len(proxy.ranges) == 2 and proxy.ranges[0] is None, proxy.ranges
    resumed_at = int(proxy.ranges[1].removeprefix("bytes=").removesuffix("-"))
    assert 0 < resumed_at <= weights.size // 2, proxy.ranges


def test_transformers_loads_the_fine_tune_by_its_repository_id_and_scores_as_the_engine():
    c = case()
    model = transformers.AutoModelForSequenceClassification.from_pretrained(c["finetuned"]).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(c["finetuned"])
    for item in c["predictions"]:
        with torch.no_grad():
            logits = model(**tokenizer(item["text"], return_tensors="pt")).logits[0]
        probabilities = torch.softmax(logits, dim=-1)
        expected = {entry["label"]: entry["score"] for entry in item["labels"]}
        actual = {model.config.id2label[i]: probabilities[i].item() for i in range(len(probabilities))}
        assert actual.keys() == expected.keys()
        worst = max(abs(actual[label] - expected[label]) for label in expected)
        assert worst <= TOLERANCE, f"{item['text']!r}: scores differ from the engine's by up to {worst}"


def test_the_fine_tune_has_a_model_card_with_its_lineage_and_metrics():
    c = case()
    card = huggingface_hub.ModelCard.load(c["finetuned"])
    assert card.data.license == c["license"]
    assert card.data.base_model == c["baseModel"]
    assert card.data.pipeline_tag == "text-classification"
    assert card.data.datasets == [c["dataset"]]
    results = {r.metric_type: r.metric_value for r in card.data.eval_results}
    assert results.keys() == c["metrics"].keys()
    for metric, value in c["metrics"].items():
        assert results[metric] == pytest.approx(value)


def test_without_a_token_the_repository_is_not_found(tmp_path):
    c = case()
    with pytest.raises(RepositoryNotFoundError) as info:
        HfApi(token=False).model_info(c["finetuned"])
    assert info.value.response.status_code == 401
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(c["finetuned"], "config.json", cache_dir=tmp_path, token=False)


def test_a_viewer_may_not_download_models_and_gets_repository_not_found(tmp_path):
    c = case()
    with pytest.raises(RepositoryNotFoundError) as info:
        hf_hub_download(c["finetuned"], "config.json", cache_dir=tmp_path, token=c["viewerToken"])
    assert info.value.response.status_code == 403
    # transformers words the same refusal as for a private repository on the Hub.
    with pytest.raises(OSError, match="not a valid model identifier") as refused:
        transformers.AutoConfig.from_pretrained(c["finetuned"], token=c["viewerToken"], cache_dir=tmp_path)
    assert isinstance(refused.value.__cause__, RepositoryNotFoundError)


def test_a_wrong_token_is_refused_as_invalid_credentials():
    c = case()
    with pytest.raises(HfHubHTTPError) as info:
        HfApi(token="mc_pat_not-a-real-token").model_info(c["finetuned"])
    assert info.value.response.status_code == 401
    assert not isinstance(info.value, RepositoryNotFoundError)
    assert "Invalid credentials" in str(info.value)


def test_missing_repositories_revisions_and_files_raise_the_hubs_errors(tmp_path):
    c = case()
    with pytest.raises(RepositoryNotFoundError):
        HfApi().model_info("modelcat/no-such-model")
    with pytest.raises(RevisionNotFoundError):
        HfApi().model_info(c["finetuned"], revision="v99")
    with pytest.raises(EntryNotFoundError):
        hf_hub_download(c["finetuned"], "no-such-file.json", cache_dir=tmp_path)
