-- wrk script for scripts/benchmark.py's stampede check: GET the paths in $WRK_PATHS and
-- count the answers the page cache marks as rebuilt (X-Page-Cache: MISS).

local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  misses = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if headers["X-Page-Cache"] == "MISS" then misses = misses + 1 end
end

function done(summary, latency, requests)
  local missed = 0
  for _, thread in ipairs(threads) do
    missed = missed + (thread:get("misses") or 0)
  end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p99_us": %.1f, ' ..
    '"non_200": %d, "misses": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, missed, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
