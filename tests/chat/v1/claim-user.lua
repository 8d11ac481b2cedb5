-- confab claim-user, protocol v1 (core/chat/PROTOCOL.md, "Scripts")
-- KEYS: 1 user hash. ARGV: 1 install secret, 2 name
local why = badName(ARGV[2], 'user name')
if why then return redis.error_reply('BADNAME ' .. why) end
local token = redis.sha1hex(ARGV[1])
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= token then
  return redis.error_reply('TAKEN username "' .. ARGV[2] .. '" already exists')
end
local t = redis.call('TIME')
local now = string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000))
if not owner then
  redis.call('HSET', KEYS[1], 'name', ARGV[2], 'owner', token, 'created_at', now)
end
redis.call('HSET', KEYS[1], 'seen_at', now)
return redis.status_reply('OK')
