-- Load over many paths. Args: <mode> <tag> [paths-per-thread] [stop-after]
--   miss   every request a path never asked before: /repos/bench/<tag>/t<thread>/issues/<n>, n = 0, 1, 2...
--          (run.sh passes a fresh tag per run, so no path repeats across runs either)
--   cycle  each thread walks its own <paths-per-thread> paths round robin:
--          /repos/bench/<tag>/t<thread>/issues/<n mod paths-per-thread>
-- stop-after > 0: each thread stops once it has that many responses (used to prefill every path once).
-- done() prints one "BENCH ..." line that bench/run.sh parses (latencies in microseconds).

local next_thread = 1
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local mode, prefix, n, stop_after, i, responses

function init(args)
  mode = args[1] or "miss"
  prefix = "/repos/bench/" .. (args[2] or "run") .. "/t" .. tid .. "/issues/"
  n = tonumber(args[3] or "10000")
  stop_after = tonumber(args[4] or "0")
  i = 0
  responses = 0
  wrk.headers["Accept"] = "application/vnd.github+json"
  wrk.headers["X-GitHub-Api-Version"] = "2022-11-28"
  wrk.headers["User-Agent"] = "github-cache-bench"
  wrk.headers["Accept-Encoding"] = "gzip"
  if stop_after > 0 then
    -- defined only when needed: a response() function makes wrk hand every response to Lua
    response = function(status, headers, body)
      responses = responses + 1
      if responses >= stop_after then
        wrk.thread:stop()
      end
    end
  end
end

function request()
  local k = i
  i = i + 1
  if mode == "cycle" then
    k = k % n
  end
  return wrk.format(nil, prefix .. k)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d "
      .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
