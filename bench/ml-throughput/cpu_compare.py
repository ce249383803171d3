#!/usr/bin/env python3
"""Runs the ML engine and PyTorch back to back, alternating, on one machine; prints samples/s and the ratio.

Both sides are started once as servers (ThroughputBenchmark --mode serve, pytorch_bench.py --serve)
that hold their model in memory and answer "train|infer <batch> <warmup> <steps>" on stdin. For
every configuration this driver asks one side, then the other, and repeats that in several rounds,
swapping which side goes first from one round to the next: on a machine shared with other work, a
slow minute then hurts both sides of a pair, and the ratio of a pair is steadier than either number.
Both sides count on all cores. Before each pair the driver waits (up to --quiet-wait seconds) until
other processes leave them idle, and it measures how busy other processes kept the machine during
each run (all busy time in /proc/stat less the side's own CPU time): a pair during which they took
more than --others cores is run again, at most --retries times.
Only the standard library is used; bench/ml-throughput/run-cpu.sh builds the commands.

    cpu_compare.py --engine "java ... --mode serve" --pytorch "python pytorch_bench.py --serve" \
        --configs train:8:1:3,infer:8:2:8 --rounds 3 --out results.jsonl
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


class Server:
    """One side of the comparison: a process that prints READY, then one RESULT line per command."""

    def __init__(self, name, command, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log, text=True, bufsize=1)
        self.ready = self._answer("READY")

    def ask(self, mode, batch, warmup, steps):
        self.process.stdin.write(f"{mode} {batch} {warmup} {steps}\n")
        self.process.stdin.flush()
        return self._answer("RESULT")

    def _answer(self, tag):
        for line in self.process.stdout:
            if line.startswith(tag + " "):
                return json.loads(line[len(tag) + 1:])
            self.log.write(line)
            self.log.flush()
        self.log.flush()
        with open(self.log_path) as log:
            tail = log.read()[-3000:]
        raise SystemExit(f"{self.name} exited (code {self.process.wait()}) before {tag}; its log {self.log_path}:\n{tail}")

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            self.process.wait(timeout=60)
        self.log.close()


class CpuStat:
    """Cores kept busy by the whole machine between two readings of /proc/stat."""

    def __init__(self):
        self.cores = os.cpu_count() or 1
        self.start = self._read()

    @staticmethod
    def _read():
        try:
            with open("/proc/stat") as stat:
                fields = [int(value) for value in stat.readline().split()[1:]]
        except OSError:
            return None
        return sum(fields), fields[3] + fields[4]  # all time, idle + iowait

    def busy_cores(self):
        end = self._read()
        if self.start is None or end is None or end[0] == self.start[0]:
            return 0.0
        total, idle = end[0] - self.start[0], end[1] - self.start[1]
        return self.cores * (total - idle) / total


def wait_until_quiet(limit, threshold):
    """Waits while other processes keep more than `threshold` cores busy; returns what it saw last."""
    deadline = time.time() + limit
    while True:
        stat = CpuStat()
        time.sleep(1.0)
        others = stat.busy_cores()
        if others <= threshold or time.time() >= deadline:
            return others


def run_pair(order, config, args):
    """Both sides once, back to back; each result says how busy the rest of the machine was meanwhile."""
    pair = []
    for side in order:
        time.sleep(args.pause)
        stat = CpuStat()
        result = side.ask(*config)
        # Everything the machine did during the run, less this side's own share (warm-up included on both).
        result["others_busy"] = round(max(0.0, stat.busy_cores() - result["cpu_busy"]), 2)
        result["framework"] = side.ready["framework"]
        pair.append((side, result))
    return pair


def parse_configs(text):
    configs = []
    for item in text.split(","):
        mode, batch, warmup, steps = item.split(":")
        if mode not in ("train", "infer"):
            raise SystemExit(f"configuration {item!r}: mode must be train or infer")
        configs.append((mode, int(batch), int(warmup), int(steps)))
    return configs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", required=True, help="command line of the engine's server")
    parser.add_argument("--pytorch", required=True, help="command line of PyTorch's server")
    parser.add_argument("--configs", default="train:8:1:3,train:32:1:2,infer:8:2:8,infer:32:1:4",
                        help="comma-separated mode:batch:warmup:steps")
    parser.add_argument("--rounds", type=int, default=3, help="times each configuration runs on each side")
    parser.add_argument("--pause", type=float, default=1.0,
                        help="seconds between two runs, so that the idle side's OpenMP threads stop spinning")
    parser.add_argument("--quiet-wait", type=float, default=20,
                        help="seconds to wait at most, before each pair, for other work to leave the cores idle")
    parser.add_argument("--others", type=float, default=0.3,
                        help="a pair during which other processes kept more cores than this busy is run again")
    parser.add_argument("--retries", type=int, default=2, help="how often a disturbed pair is run again at most")
    parser.add_argument("--out", help="append one JSON line per run")
    parser.add_argument("--logs", default=".", help="folder for the servers' stderr")
    args = parser.parse_args()
    configs = parse_configs(args.configs)

    started = time.time()
    engine = Server("engine", args.engine, f"{args.logs}/engine-server.log")
    print(f"engine ready: {json.dumps(engine.ready)}", flush=True)
    pytorch = Server("pytorch", args.pytorch, f"{args.logs}/pytorch-server.log")
    print(f"pytorch ready: {json.dumps(pytorch.ready)}", flush=True)
    threads = {side.name: (side.ready["intra_op_threads"], side.ready["interop_threads"]) for side in (engine, pytorch)}
    if threads["engine"][0] != threads["pytorch"][0]:
        print(f"WARNING: intra-op threads differ: {threads}", flush=True)

    results = {}
    try:
        for round_number in range(1, args.rounds + 1):
            # Odd rounds start with the engine, even rounds with PyTorch.
            order = (engine, pytorch) if round_number % 2 == 1 else (pytorch, engine)
            for config in configs:
                for attempt in range(args.retries + 1):
                    wait_until_quiet(args.quiet_wait, args.others)
                    pair = run_pair(order, config, args)
                    disturbed = any(result["others_busy"] > args.others for _, result in pair)
                    last = disturbed is False or attempt == args.retries
                    for side, result in pair:
                        result.update(round=round_number, attempt=attempt + 1, disturbed=disturbed)
                        print(f"round {round_number} {config[0]} b{config[1]} {side.name:7s} "
                              f"{result['samples_per_s']:8.2f} samples/s  cores busy {result['cpu_busy']:.2f}, "
                              f"other processes {result['others_busy']:.2f}"
                              f"{'  (disturbed: run again)' if disturbed and not last else ''}"
                              f"{'  (disturbed, kept: no retries left)' if disturbed and last else ''}", flush=True)
                        if args.out:
                            with open(args.out, "a") as out:
                                out.write(json.dumps(result) + "\n")
                        if last:
                            results.setdefault(config, {}).setdefault(side.name, []).append(result)
                    if last:
                        break
    finally:
        engine.close()
        pytorch.close()

    print()
    print(f"threads (intra-op, inter-op): engine {threads['engine']}, pytorch {threads['pytorch']}; "
          f"{args.rounds} rounds, {(time.time() - started) / 60:.1f} min")
    print("medians over rounds; ratio = engine / PyTorch, per round (adjacent runs), then the median")
    kept_disturbed = sum(1 for sides in results.values() for runs in sides.values() for r in runs if r["disturbed"])
    if kept_disturbed:
        print(f"{kept_disturbed} of the runs below were disturbed by other processes even after "
              f"{args.retries} retries (see the lines above)")
    print()
    print("| config | steps (warm-up + timed) | engine samples/s | PyTorch samples/s | ratio | ratio per round "
          "| cores busy, engine / PyTorch |")
    print("|---|---|---|---|---|---|---|")
    for config in configs:
        mode, batch, warmup, steps = config
        engine_runs, pytorch_runs = results[config]["engine"], results[config]["pytorch"]
        engine_rates = [r["samples_per_s"] for r in engine_runs]
        pytorch_rates = [r["samples_per_s"] for r in pytorch_runs]
        ratios = [e / p for e, p in zip(engine_rates, pytorch_rates)]
        busy = (f"{statistics.median(r['cpu_busy'] for r in engine_runs):.2f} / "
                f"{statistics.median(r['cpu_busy'] for r in pytorch_runs):.2f}")
        print(f"| {mode} b{batch} | {warmup} + {steps} | {statistics.median(engine_rates):.2f} | "
              f"{statistics.median(pytorch_rates):.2f} | **{statistics.median(ratios):.2f}** | "
              f"{', '.join(f'{r:.2f}' for r in ratios)} | {busy} |")


if __name__ == "__main__":
    sys.exit(main())
