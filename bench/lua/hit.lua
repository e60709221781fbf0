-- Cache-hit load: every request is GET <path> with GitHub-client headers, one static request per
-- connection (no request() function, so wrk formats it once). Args: <path> [gzip|identity] [pace-ms]
--   gzip      clients send Accept-Encoding: gzip (Octokit, gh, browsers; GitHub compresses JSON)
--   identity  clients send no Accept-Encoding (curl without --compressed)
--   pace-ms   each connection waits this many milliseconds between its requests (wrk's delay()), so
--             both systems get about the same offered load instead of as much as each can take
-- done() prints one "BENCH ..." line that bench/run.sh parses (latencies in microseconds).

function init(args)
  local pace = tonumber(args[3])
  if pace then
    -- wrk looks for a global delay() after init() has run
    delay = function() return pace end
  end
  wrk.path = args[1] or "/repos/bench/hit"
  wrk.headers["Accept"] = "application/vnd.github+json"
  wrk.headers["X-GitHub-Api-Version"] = "2022-11-28"
  wrk.headers["User-Agent"] = "github-cache-bench"
  if (args[2] or "gzip") == "gzip" then
    wrk.headers["Accept-Encoding"] = "gzip"
  end
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
