-- wrk script: POSTs the JSON body in the file named by BENCH_BODY (headers come from wrk's -H), and prints one
-- JSON line at the end: requests, requests/s, latency percentiles (ms), and failures (non-2xx, socket errors).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY"), "r"))
wrk.body = f:read("*a")
f:close()

done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "seconds": %.2f, "rps": %.3f, "p50_ms": %.1f, "p90_ms": %.1f, '
    .. '"p99_ms": %.1f, "max_ms": %.1f, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, s, summary.requests / s, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
