-- wrk script of bench/charge.py: one URL, one method, one session cookie per connection
-- (wrk is run with as many threads as connections), the expected status counted.
-- Environment: BENCH_METHOD, BENCH_PATH, BENCH_BODY, BENCH_STATUS, BENCH_COOKIES ("a|b|c").
local cookies = {}
for c in string.gmatch(os.getenv("BENCH_COOKIES") or "", "[^|]+") do table.insert(cookies, c) end
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("numero", #threads)
end

function init(args)
  inattendus = 0
  local headers = {}
  if #cookies > 0 then headers["Cookie"] = cookies[((numero - 1) % #cookies) + 1] end
  local body = os.getenv("BENCH_BODY")
  if body == nil or body == "" then
    body = nil
  else
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  attendu = tonumber(os.getenv("BENCH_STATUS"))
  req = wrk.format(os.getenv("BENCH_METHOD"), os.getenv("BENCH_PATH"), headers, body)
end

function request()
  return req
end

function response(status, headers, body)
  if status ~= attendu then inattendus = inattendus + 1 end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + (t:get("inattendus") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requetes": %d, "duree_us": %d, "erreurs": %d, "inattendus": %d, ' ..
    '"p50": %d, "p95": %d, "p99": %d, "max": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, n,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
