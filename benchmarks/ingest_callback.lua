-- wrk script for benchmarks/ingest.py: the seed's dial-results callback, by GET, every request
-- a new call id.
--
--   GET /api/595F21A2-84D1-4984-818E-3758A8485CC8.php?<company>=...&<campaign>=...&...
--
-- The parameter names are the seed's GUIDs, spelled out here as tests/support/seed.py spells
-- them (not taken from openani, so a typo in the service's own table cannot go unnoticed).
--
-- Arguments (after `--`), positional:
--   1 path            request path (the callback; / for the hello-world ceiling)
--   2 company_guid    the company's GUID
--   3 campaigns       comma-separated campaign ids
--   4 anis            comma-separated 10-digit inventory numbers
--   5 dispos          comma-separated defined disposition ids
--   6 unknown_dispos  comma-separated dispositions the company has not defined
--   7 unknown_share   share of calls reported with an unknown disposition (0..1)
--   8 npas            comma-separated prospect area codes
--   9 now_local       the company's local wall-clock time now, as seconds since 1970 read as UTC
--  10 days           call times are drawn from the last `days` days (at least a minute ago)
--  11 agents         agent ids are agent1..agentN
--
-- Call ids: a random prefix per thread (from /dev/urandom, so warm-up and every measured run
-- differ) followed by a per-thread counter.
--
-- done() prints one line `WRK_JSON {...}` with exact counts and latencies in microseconds,
-- which common.parse_wrk reads instead of wrk's rounded text.

local COMPANY = "0504bd2b-f9eb-4a72-b497-7c8cac8692a0"
local CAMPAIGN = "ec4e634b-aa92-4859-9d16-46aece2b780b"
local AGENT = "1eb3164f-2157-43d9-9aa8-ed1e20e97fa7"
local ANI = "0be372ee-d1bf-42a4-8891-dbc5ee547a7c"
local CALL_ID = "ddb195b9-1f3d-4775-a9b7-fcf9d7c46583"
local DISPO = "e8ca4a68-d96e-4be8-8ac1-1114fec52cde"
local PHONE = "12929e99-3266-4350-b2c8-592119ffd558"
local CALL_TIME = "9a1f5867-157f-4620-ae43-b824bc4d81ee"
local TYPE_OR_DURATION = "6be80ae8-72b5-4ac6-8871-c54fdce3ebbf"

local path, head
local campaigns, anis, dispos, unknown, npas = {}, {}, {}, {}, {}
local unknown_share, now_local, span_s, agents = 0.05, 0, 86400, 10
local exchanges = {}
local prefix, counter = "", 0

local function split(text, into)
  for item in string.gmatch(text or "", "[^,]+") do
    into[#into + 1] = item
  end
end

local function random_hex(bytes)
  local source = io.open("/dev/urandom", "rb")
  local raw
  if source then
    raw = source:read(bytes)
    source:close()
  end
  if not raw then
    math.randomseed(os.time() + math.floor(os.clock() * 1e6))
    local parts = {}
    for i = 1, bytes do
      parts[i] = string.char(math.random(0, 255))
    end
    raw = table.concat(parts)
  end
  return (raw:gsub(".", function(c)
    return string.format("%02x", string.byte(c))
  end))
end

function init(args)
  path = args[1] or "/"
  head = path .. "?" .. COMPANY .. "=" .. (args[2] or "") .. "&"
  split(args[3], campaigns)
  split(args[4], anis)
  split(args[5], dispos)
  split(args[6], unknown)
  unknown_share = tonumber(args[7]) or 0.05
  split(args[8], npas)
  now_local = tonumber(args[9]) or os.time()
  span_s = (tonumber(args[10]) or 1) * 86400
  agents = tonumber(args[11]) or 10
  if #campaigns == 0 then campaigns[1] = "bench" end
  if #anis == 0 then anis[1] = "5615550100" end
  if #dispos == 0 then dispos[1] = "sale" end
  if #npas == 0 then npas[1] = "212" end
  -- Valid exchanges: 2xx-9xx, neither N11 nor 555.
  for nxx = 200, 999 do
    if nxx % 100 ~= 11 and nxx ~= 555 then
      exchanges[#exchanges + 1] = tostring(nxx)
    end
  end
  local seed = random_hex(8)
  prefix = "cb-" .. seed .. "-"
  math.randomseed(tonumber(seed:sub(1, 7), 16))
end

function request()
  counter = counter + 1
  local dispo
  if #unknown > 0 and math.random() < unknown_share then
    dispo = unknown[math.random(#unknown)]
  else
    dispo = dispos[math.random(#dispos)]
  end
  local phone = npas[math.random(#npas)]
    .. exchanges[math.random(#exchanges)]
    .. string.format("%04d", math.random(0, 9999))
  local when = os.date("!%Y-%m-%d%%20%H:%M:%S", now_local - math.random(60, span_s))
  local query = head
    .. CAMPAIGN .. "=" .. campaigns[math.random(#campaigns)]
    .. "&" .. AGENT .. "=agent" .. math.random(agents)
    .. "&" .. ANI .. "=" .. anis[math.random(#anis)]
    .. "&" .. CALL_ID .. "=" .. prefix .. counter
    .. "&" .. DISPO .. "=" .. dispo
    .. "&" .. PHONE .. "=" .. phone
    .. "&" .. CALL_TIME .. "=" .. when
    .. "&" .. TYPE_OR_DURATION .. "=" .. math.random(0, 600)
  return wrk.format("GET", query)
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
