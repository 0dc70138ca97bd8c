-- wrk script for scripts/load_while_publishing.py: rotate over the URLs in $WRK_PATHS
-- (one per line) at a fixed rate — each connection waits $WRK_DELAY_MS between its
-- requests (wrk has no -R; wrk2 does) — counting 5xx answers per thread, and print one
-- JSON line ("WRK_JSON {...}") at the end.

local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0")
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  counter = math.random(#paths)
  server_errors = 0
end

function delay()
  return delay_ms
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end

function done(summary, latency, requests)
  local fivexx = 0
  for _, thread in ipairs(threads) do fivexx = fivexx + thread:get("server_errors") end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p99_us": %.1f, ' ..
    '"non_2xx_3xx": %d, "5xx": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, fivexx, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
