-- wrk script: POSTs the JSON body in the file named by BENCH_BODY (headers come from wrk's -H), and prints one
-- JSON line at the end: requests, requests/s, latency percentiles (ms), and failures (non-2xx, socket errors).
-- With BENCH_INTERVAL_MS set, each connection waits before each request (after the previous answer) a random time
-- drawn from an exponential distribution of that mean, so that c connections ask for about c * 1000 / interval
-- requests a second in total, at random moments (a steady load below what the server can do, not its limit).
-- wrk measures each request from its sending, so the wait is not counted in the latency.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY"), "r"))
wrk.body = f:read("*a")
f:close()

local interval = tonumber(os.getenv("BENCH_INTERVAL_MS") or "")
if interval then
  local seeded = false
  function delay()
    if not seeded then
      math.randomseed(os.time() + math.floor(os.clock() * 1e6) + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
      seeded = true
    end
    return math.floor(-interval * math.log(1 - math.random()) + 0.5)
  end
end

done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "seconds": %.2f, "rps": %.3f, "p50_ms": %.2f, "p90_ms": %.2f, '
    .. '"p99_ms": %.2f, "max_ms": %.1f, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, s, summary.requests / s, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
