-- GCRA over every rule that applies to one request, atomically (api.md §8).
-- The policy document is the user's override (KEYS[1]), else the stored defaults
-- (KEYS[2]), else the configured defaults (ARGV[2]). Every bucket is read first; only
-- when no rule limits the request are the new TATs written, so a denied request
-- consumes nothing. Cost 0 (peek) writes nothing and creates no key.
-- Bucket keys are built here from the rules, so this script needs a single Redis node.
-- ARGV: 1 bucket prefix, 2 default document, 3 "reads"|"mutations", 4 "METHOD template",
--       5 user id, 6 cluster id or "", 7 "0" consume, "1" peek, "2" peek at every rule
--       whatever the route (GET /rate_limit).
-- Returns {version, limited, {name, quota, window, burst, limited, remaining,
--          reset_us, retry_after_us, key kind}...}; times in microseconds.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local raw = redis.call('GET', KEYS[1])
if not raw then raw = redis.call('GET', KEYS[2]) end
if not raw then raw = ARGV[2] end
local doc = cjson.decode(raw)
local class, route, user, cluster = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local peek = ARGV[7] ~= '0'
local every = ARGV[7] == '2'

local function applies(rule)
  if every then return true end
  local to = rule.applies_to or 'all'
  if to ~= 'all' and to ~= class then return false end
  local routes = rule.routes
  if type(routes) ~= 'table' or #routes == 0 then return true end
  for _, r in ipairs(routes) do
    if r == route then return true end
  end
  return false
end

local function key_of(rule)
  local kind = rule.key or 'user'
  if kind == 'user' then return user end
  if kind == 'global' then return 'global' end
  if kind == 'cluster' and cluster ~= '' then return cluster end
  return nil
end

local rows, writes, limited = {}, {}, 0
for _, rule in ipairs(doc.policies) do
  local key = applies(rule) and key_of(rule)
  if key then
    local quota, window = rule.quota, rule.window_seconds
    local burst = rule.burst
    if type(burst) ~= 'number' then burst = quota - 1 end
    local cost = rule.cost_per_request
    if type(cost) ~= 'number' then cost = 1 end
    if peek then cost = 0 end
    local t = window * 1000000 / quota
    local tau = t * (burst + 1)
    local bucket = ARGV[1] .. rule.name .. ':' .. key
    local stored = tonumber(redis.call('GET', bucket) or '0') or 0
    local tat = math.max(stored, now)
    local new_tat = tat + cost * t
    local deny = now < new_tat - tau
    local row_limited, remaining, reset, retry = 0, 0, 0, 0
    if deny then
      row_limited = 1
      limited = 1
      retry = math.ceil(new_tat - tau - now)
      remaining = math.max(0, math.floor((tau - (tat - now)) / t))
      reset = retry
    else
      remaining = math.floor((tau - (new_tat - now)) / t)
      reset = math.ceil(new_tat - now)
      if cost > 0 then writes[#writes + 1] = {bucket, new_tat} end
    end
    rows[#rows + 1] = {rule.name, quota, window, burst, row_limited, remaining, reset, retry,
                       rule.key or 'user'}
  end
end

if limited == 0 then
  for _, w in ipairs(writes) do
    local ttl = math.max(1, math.ceil((w[2] - now) / 1000))
    redis.call('SET', w[1], string.format('%.0f', w[2]), 'PX', ttl)
  end
end
return {doc.version or 0, limited, rows}
