-- wrk script for scripts/benchmark.py: rotate over the URLs listed in $WRK_PATHS (one
-- per line) and print one JSON line ("WRK_JSON {...}") the benchmark parses. No
-- response() hook: parsing every answer in Lua would slow wrk down; wrk itself counts
-- answers that are not 2xx/3xx (errors.status).

local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p99_us": %.1f, ' ..
    '"non_200": %d, "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
