-- Compare-and-set of a policy document on its version: stores ARGV[2] only when the
-- stored version is ARGV[1] (0 = none stored), so an older write never replaces a
-- newer one. ARGV[3], when not empty, is the user id added to the index KEYS[2].
-- Returns {1, new version} or {0, current version}.
local raw = redis.call('GET', KEYS[1])
local current = 0
if raw then current = tonumber(cjson.decode(raw).version) or 0 end
if current ~= tonumber(ARGV[1]) then return {0, current} end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], 0, ARGV[3]) end
return {1, current + 1}
