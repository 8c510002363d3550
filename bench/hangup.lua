-- wrk script: POST a realistic hangup callback form, a new call_id on every request so that
-- every request makes a new event (no dedupe short cut). The token is in the URL given to wrk.
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  counter = 0
end

request = function()
  counter = counter + 1
  local call_id = string.format("ahRzfmBENCH%d_%d", tid or 0, counter)
  local body = "project=alotech&action=webhook&tenant=demo&url=http%3A%2F%2Fconnector%2Fwebhooks%2Fccs%2Fhangup"
    .. "&call_date=2026-11-23+10%3A00%3A00&agent_username=ayse.yilmaz%40demo.example"
    .. "&transaction_id=bench-" .. call_id .. "&disposition=ANSWER&duration=42&called_num=05321234567"
    .. "&caller_id=901&call_id=" .. call_id
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
