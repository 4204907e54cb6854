-- wrk script for benchmarks/next_ani.py: POST a /dialer/next body whose prospect_phone varies.
--
-- Arguments (after `--`), positional:
--   1 path              request path (/dialer/next; / for the hello-world ceiling)
--   2 api_key           sent as X-ApiKey
--   3 campaign          outbound_campaign
--   4 assignment_type   assignment_type
--   5 local_npas        comma-separated area codes the inventory has numbers in
--   6 remote_npas       comma-separated area codes it has none in (fallback prospects)
--   7 remote_share      share of prospects drawn from remote_npas (0..1)
--
-- done() prints one line `WRK_JSON {...}` with exact counts and latencies in microseconds,
-- which next_ani.py reads instead of wrk's rounded text.

local path, headers, prefix, suffix
local local_npas, remote_npas = {}, {}
local remote_share = 0.0
local exchanges = {}

local function split(text, into)
  for item in string.gmatch(text or "", "[^,]+") do
    into[#into + 1] = item
  end
end

function init(args)
  path = args[1] or "/"
  headers = {
    ["X-ApiKey"] = args[2] or "",
    ["Content-Type"] = "application/json",
  }
  prefix = '{"outbound_campaign":"' .. (args[3] or "bench") .. '","prospect_phone":"'
  suffix = '","assignment_type":"' .. (args[4] or "area_code") .. '"}'
  split(args[5], local_npas)
  split(args[6], remote_npas)
  remote_share = tonumber(args[7]) or 0.0
  if #local_npas == 0 then
    local_npas[1] = "212"
  end
  -- Valid exchanges: 2xx-9xx, neither N11 nor 555.
  for nxx = 200, 999 do
    if nxx % 100 ~= 11 and nxx ~= 555 then
      exchanges[#exchanges + 1] = tostring(nxx)
    end
  end
  math.randomseed(os.time())
end

function request()
  local npas = local_npas
  if #remote_npas > 0 and math.random() < remote_share then
    npas = remote_npas
  end
  local phone = npas[math.random(#npas)]
    .. exchanges[math.random(#exchanges)]
    .. string.format("%04d", math.random(0, 9999))
  return wrk.format("POST", path, headers, prefix .. phone .. suffix)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"duration_us":%d,"requests":%d,"bytes":%d,'
      .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,'
      .. '"p50_us":%d,"p75_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency.max
  ))
end
