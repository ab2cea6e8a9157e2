-- Drives one page for `make bench`. Configured from the environment:
-- BENCH_COOKIE (Cookie header), BENCH_METHOD (GET/POST), BENCH_BODY (form body; "{n}" is
-- replaced by a unique number per request), BENCH_EXPECT (the status that counts as success).
local cookie = os.getenv("BENCH_COOKIE") or ""
local method = os.getenv("BENCH_METHOD") or "GET"
local body_template = os.getenv("BENCH_BODY") or ""
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
local threads = {}
local counter = 0
unexpected = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function request()
  counter = counter + 1
  local headers = {}
  if cookie ~= "" then headers["Cookie"] = cookie end
  local body = nil
  if method == "POST" then
    -- 32 hex digits: usable as a UUID (idempotency tokens) and unique per request.
    local n = string.format("%08x%08x%08x%08x", thread_no or 0, counter,
      math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
    body = string.gsub(body_template, "{n}", n)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(method, nil, headers, body)
end

function response(status, headers, body)
  if status ~= expect then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, t in ipairs(threads) do wrong = wrong + (t:get("unexpected") or 0) end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_s": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    wrong + e.connect + e.read + e.write + e.timeout))
end
