-- wrk script: counts every response by HTTP status, on top of one of the request scripts
-- of bench/ (named by WRK_REQUEST; unset = a plain GET). With WRK_BODY_MARK set, it also
-- counts the response bodies containing that text (the gateway's '"degraded":true').
-- At the end it prints, besides wrk's own summary, lines bench/soak.sh reads:
--   count status <code> <n>      one per status seen
--   count marked <n>             bodies with WRK_BODY_MARK
--   count errors <connect> <read> <write> <timeout>
--   count latency <p50 ms> <p99 ms> <requests>
local request = os.getenv("WRK_REQUEST")
if request and request ~= "" then dofile(request) end
local mark = os.getenv("WRK_BODY_MARK")
if mark == "" then mark = nil end

statuses = {}
marked = 0

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if mark and body and string.find(body, mark, 1, true) then marked = marked + 1 end
end

function done(summary, latency, requests)
  local total, marks = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
    marks = marks + thread:get("marked")
  end
  for status, n in pairs(total) do io.write(string.format("count status %d %d\n", status, n)) end
  io.write(string.format("count marked %d\n", marks))
  local e = summary.errors
  io.write(string.format("count errors %d %d %d %d\n", e.connect, e.read, e.write, e.timeout))
  io.write(string.format("count latency %.2f %.2f %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests))
end
