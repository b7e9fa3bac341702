-- Deletes a user's policy document when its version is ARGV[1] (or ARGV[1] is "*"),
-- and the user from the index KEYS[2]. Returns {1, deleted version}, {0, 0} when there
-- is none, or {-1, current version} on a mismatch.
local raw = redis.call('GET', KEYS[1])
if not raw then return {0, 0} end
local current = tonumber(cjson.decode(raw).version) or 0
if ARGV[1] ~= '*' and tonumber(ARGV[1]) ~= current then return {-1, current} end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return {1, current}
