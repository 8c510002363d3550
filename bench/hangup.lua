-- wrk script: POST a realistic hangup callback form, a new call_id on every request so that every
-- request makes a new event (no dedupe short cut), its call_date the time of the request, as the platform
-- sends the start of a call that has just ended. The token is in the URL given to wrk.
-- Arguments (after --): a file of call keys, one a line, and the index of the first key to use: the
-- calls whose CDR records the simulator holds, so that the hangup's CDR enrichment finds its record as
-- it would on a real tenant. Thread t of n takes keys first + t, first + t + n, ...; once the keys
-- run out (or without a file) the call ids are made up (their CDR lookups find no record).
local threads = {}
local counter = 0
local keys = {}
local first = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  counter = 0
  first = tonumber(args[2] or "0")
  if args[1] then
    for line in io.lines(args[1]) do
      keys[#keys + 1] = line
    end
  end
  nthreads = tonumber(args[3] or "1")
end

request = function()
  local index = first + (tid or 1) + counter * nthreads
  counter = counter + 1
  local call_id = keys[index] or string.format("ahRzfmBENCH%d_%d_%d", tid or 0, first, counter)
  local body = "project=alotech&action=webhook&tenant=demo&url=http%3A%2F%2Fconnector%2Fwebhooks%2Fccs%2Fhangup"
    .. "&call_date=" .. os.date("%Y-%m-%d+%H:%M:%S"):gsub(":", "%%3A") .. "&agent_username=ayse.yilmaz%40demo.example"
    .. "&transaction_id=bench-" .. call_id .. "&disposition=ANSWER&duration=42&called_num=05321234567"
    .. "&caller_id=901&call_id=" .. call_id
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
