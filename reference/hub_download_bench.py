"""Download throughput of one large file through ModelCat's Hub API beside the same file from nginx, both fetched by
huggingface_hub's own download routine (file_download.http_get: streamed to a file in 10 MiB chunks), alternately,
`rounds` times after a warm-up round each; medians. Also times a whole hf_hub_download from ModelCat (HEAD, download,
move into the cache), which includes what nginx cannot do (the Hub API's metadata). Run by bench/hub-download.sh:

    HF_ENDPOINT=http://127.0.0.1:PORT/hub HF_TOKEN=mc_pat_... python reference/hub_download_bench.py \
        REPO FILE NGINX_URL SIZE ROUNDS
"""
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from huggingface_hub import hf_hub_download
from huggingface_hub.file_download import http_get

repo, filename, nginx_url, size, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
endpoint = os.environ["HF_ENDPOINT"].rstrip("/")
modelcat_url = f"{endpoint}/{repo}/resolve/main/{filename}"
auth = {"Authorization": f"Bearer {os.environ['HF_TOKEN']}"}
scratch = Path(tempfile.mkdtemp(prefix="hub-bench-"))


def timed_http_get(url, headers):
    target = scratch / "download"
    start = time.perf_counter()
    with open(target, "wb") as f:
        http_get(url, f, headers=headers, expected_size=size)
    elapsed = time.perf_counter() - start
    assert target.stat().st_size == size, target.stat().st_size
    target.unlink()
    return elapsed


def timed_hf_hub_download():
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=scratch))
    start = time.perf_counter()
    path = hf_hub_download(repo, filename, cache_dir=cache)
    elapsed = time.perf_counter() - start
    assert Path(path).stat().st_size == size
    for p in sorted(cache.rglob("*"), reverse=True):
        p.unlink() if p.is_file() or p.is_symlink() else p.rmdir()
    cache.rmdir()
    return elapsed


runs = {"nginx": [], "modelcat": [], "modelcat_hf_hub_download": []}
timed_http_get(nginx_url, {})                       # warm-up: page cache, JIT
timed_http_get(modelcat_url, auth)
timed_hf_hub_download()
for _ in range(rounds):
    runs["nginx"].append(timed_http_get(nginx_url, {}))
    runs["modelcat"].append(timed_http_get(modelcat_url, auth))
    runs["modelcat_hf_hub_download"].append(timed_hf_hub_download())

mib = size / (1024 * 1024)
summary = {name: {"seconds": [round(t, 3) for t in times], "median_MiB_per_s": round(mib / statistics.median(times), 1)}
           for name, times in runs.items()}
summary["ratio_modelcat_to_nginx"] = round(summary["modelcat"]["median_MiB_per_s"] / summary["nginx"]["median_MiB_per_s"], 3)
summary["ratio_hf_hub_download_to_nginx"] = round(
    summary["modelcat_hf_hub_download"]["median_MiB_per_s"] / summary["nginx"]["median_MiB_per_s"], 3)
print(json.dumps(summary, indent=2))
scratch.rmdir()
