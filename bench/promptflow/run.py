"""Runs the benchmark flow over a JSONL file with prompt flow's local batch run and prints one JSON line: rows and
failed rows (prompt flow's own counts), the run's own start and end (seconds between them) and the wall-clock time
around PFClient().run.
PF_WORKER_COUNT (worker processes, one row at a time each) and FAKE_LLM_BASE_URL come from the environment.

    python bench/promptflow/run.py <data.jsonl>
"""
import json
import os
import sys
import time
from pathlib import Path

from promptflow.client import PFClient


def main():
    data = sys.argv[1]
    pf = PFClient()
    began = time.time()
    run = pf.run(flow=str(Path(__file__).parent), data=data, column_mapping={"question": "${data.question}"},
                 stream=False)
    wall = time.time() - began
    run = pf.runs.get(run.name)
    # Prompt flow's own line counts: get_details shows a failed line's output as "(Failed)", not as a missing value.
    metrics = run.properties.get("system_metrics", {})
    completed = int(metrics.get("__pf__.lines.completed", 0))
    failed = int(metrics.get("__pf__.lines.failed", 0))
    seconds = (run._end_time - run._start_time).total_seconds()
    print(json.dumps({"name": run.name, "status": run.status, "workers": int(os.environ.get("PF_WORKER_COUNT", "0")),
                      "rows": completed + failed, "failedRows": failed, "startTime": run._start_time.isoformat(),
                      "endTime": run._end_time.isoformat(), "seconds": seconds, "wallSeconds": round(wall, 3)}))


if __name__ == "__main__":  # the worker processes import this file again
    main()
