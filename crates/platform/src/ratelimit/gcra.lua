-- GCRA over every rule that applies to one request, atomically (api.md §8).
-- The policy document is the user's override (KEYS[1]), else the stored defaults
-- (KEYS[2]), else the configured defaults (ARGV[2]). Stored documents are read-model
-- rows as JSON (`policies` is JSON text; a deleted override has `deleted` set). Every bucket is read first; only
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
-- A live stored document with its rules decoded, or nil.
local function stored(key)
  local raw = redis.call('GET', key)
  if not raw then return nil end
  local ok, doc = pcall(cjson.decode, raw)
  if not ok or type(doc) ~= 'table' or doc.deleted == true then return nil end
  if type(doc.policies) == 'string' then
    ok, doc.policies = pcall(cjson.decode, doc.policies)
    if not ok then return nil end
  end
  if type(doc.policies) ~= 'table' or #doc.policies == 0 then return nil end
  return doc
end
local doc = stored(KEYS[1]) or stored(KEYS[2]) or cjson.decode(ARGV[2])
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

local checked, limited = {}, false
for _, rule in ipairs(doc.policies) do
  local key = applies(rule) and key_of(rule)
  if key then
    local quota = rule.quota
    local burst = rule.burst
    if type(burst) ~= 'number' then burst = quota - 1 end
    local cost = rule.cost_per_request
    if type(cost) ~= 'number' then cost = 1 end
    if peek then cost = 0 end
    local t = rule.window_seconds * 1000000 / quota
    local tau = t * (burst + 1)
    local bucket = ARGV[1] .. rule.name .. ':' .. key
    local stored = tonumber(redis.call('GET', bucket) or '0') or 0
    local tat = math.max(stored, now)
    local new_tat = tat + cost * t
    local deny = now < new_tat - tau
    if deny then limited = true end
    checked[#checked + 1] = {rule = rule, burst = burst, t = t, tau = tau, bucket = bucket,
                             tat = tat, new_tat = new_tat, deny = deny, cost = cost}
  end
end

-- A refused request keeps every bucket as it was, and reports it that way.
local rows = {}
for _, c in ipairs(checked) do
  local after = c.new_tat
  if limited then after = c.tat end
  local retry, reset = 0, math.ceil(after - now)
  if c.deny then
    retry = math.ceil(c.new_tat - c.tau - now)
    reset = retry
  end
  local remaining = math.max(0, math.floor((c.tau - (after - now)) / c.t))
  if not limited and c.cost > 0 then
    local ttl = math.max(1, math.ceil((c.new_tat - now) / 1000))
    redis.call('SET', c.bucket, string.format('%.0f', c.new_tat), 'PX', ttl)
  end
  rows[#rows + 1] = {c.rule.name, c.rule.quota, c.rule.window_seconds, c.burst,
                     c.deny and 1 or 0, remaining, reset, retry, c.rule.key or 'user'}
end
return {doc.version or 0, limited and 1 or 0, rows}
