"""Prints the serving benchmark's JSON lines (bench/serving/run.sh) as Markdown tables.
Usage: table.py <results.jsonl>"""
import json
import statistics
import sys


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    print("| model | concurrency | server | req/s | p50 ms | p99 ms | requests | failed | load before / after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["scenario"] in ("classify", "gateway"):
            asked = f", {r['rate_asked']}/s asked" if r.get("rate_asked") else ""
            print(f"| {r['model']} | {r['concurrency']}{asked} | {r['server']} | {r['rps']:.2f} | {r['p50_ms']:.1f} | "
                  f"{r['p99_ms']:.1f} | {r['requests']} | {r['non2xx'] + r['socket_errors']} | "
                  f"{r['load_before']:.2f} / {r['load_after']:.2f} |")
    shared = [r for r in rows if r["scenario"] == "shared"]
    if shared:
        print()
        print("| shared runner: model | CPU cores reserved | connections | req/s | p50 ms | p99 ms | failed | load before |")
        print("|---|---|---|---|---|---|---|---|")
        for r in shared:
            print(f"| {r['model']} | {r['cpu_cores'] or 'none'} | {r['concurrency']} | {r['rps']:.2f} | "
                  f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['non2xx'] + r['socket_errors']} | {r['load_before']:.2f} |")
    print()
    print("| generation | rounds | new tokens | tokens/s (median) | per round | load before |")
    print("|---|---|---|---|---|---|")
    for server in ("modelcat", "transformers"):
        gen = [r for r in rows if r["scenario"] == "generate" and r["server"] == server]
        if gen:
            rates = [r["tokens_per_s"] for r in gen]
            per_round = ", ".join(f"{rate:.2f}" for rate in rates)
            loads = ", ".join(str(r["load_before"]) for r in gen)
            print(f"| {server} | {len(gen)} | {gen[0]['new_tokens']} | {statistics.median(rates):.2f} | {per_round} "
                  f"| {loads} |")


if __name__ == "__main__":
    main()
