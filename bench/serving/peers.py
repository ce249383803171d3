"""The serving benchmark's peers: transformers text-classification pipelines behind FastAPI/uvicorn, or behind
LitServe with dynamic batching. Each model answers POST /<name>/predict {"input_data": ["text", ...]} with
[{"label": ..., "score": ...}, ...], as ModelCat's /score answers the same body.

Usage: peers.py fastapi|litserve <port> <threads> <name>=<model_dir> [...]
  fastapi   one uvicorn worker; a request's pipeline call holds a lock, so one request runs at a time (the plain
            way a pipeline is put behind an API), on <threads> intra-op threads
  litserve  LitServe gathers up to MAX_BATCH (8) waiting requests, waiting at most BATCH_TIMEOUT_S (10 ms) for
            more, into one pipeline call
"""
import sys
import threading

import litserve as ls
import torch
import transformers

MAX_BATCH = 8
BATCH_TIMEOUT_S = 0.01


def pipeline(model_dir, threads):
    torch.set_num_threads(threads)
    return transformers.pipeline("text-classification", model=model_dir, tokenizer=model_dir, device="cpu")


def fastapi_app(models, threads):
    from fastapi import FastAPI

    app = FastAPI()
    pipes = {name: pipeline(path, threads) for name, path in models.items()}
    lock = threading.Lock()

    @app.get("/health")
    def health():
        return "ok"

    @app.post("/{name}/predict")
    def predict(name: str, body: dict):
        with lock, torch.inference_mode():
            return pipes[name](body["input_data"])

    return app


class Classifier(ls.LitAPI):
    """One model behind LitServe (at module level: LitServe's workers are spawned processes that unpickle it)."""

    def __init__(self, name, path, threads):
        super().__init__(max_batch_size=MAX_BATCH, batch_timeout=BATCH_TIMEOUT_S, api_path=f"/{name}/predict")
        self.path, self.threads = path, threads

    def setup(self, device):
        self.pipe = pipeline(self.path, self.threads)

    def decode_request(self, request):
        return request["input_data"]

    def batch(self, inputs):
        return inputs

    def predict(self, batch):
        texts = [t for request in batch for t in request]
        with torch.inference_mode():
            answers = self.pipe(texts, batch_size=len(texts))
        split, at = [], 0
        for request in batch:
            split.append(answers[at:at + len(request)])
            at += len(request)
        return split

    def unbatch(self, output):
        return output

    def encode_response(self, output):
        return output


def serve_litserve(models, port, threads):
    server = ls.LitServer([Classifier(name, path, threads) for name, path in models.items()], accelerator="cpu",
                          workers_per_device=1, timeout=300)
    server.run(port=port, generate_client_file=False)


def main():
    kind, port, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    models = dict(arg.split("=", 1) for arg in sys.argv[4:])
    if kind == "fastapi":
        import uvicorn

        uvicorn.run(fastapi_app(models, threads), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    elif kind == "litserve":
        serve_litserve(models, port, threads)
    else:
        raise SystemExit(f"unknown peer {kind}")


if __name__ == "__main__":
    main()
