-- confab create-channel, protocol v2 (core/chat/PROTOCOL.md, "Scripts")
-- KEYS: 1 info hash. ARGV: 1 name, 2 creator (account), 3 topic, 4 protocol version
-- Public channels only: direct conversations come into being with their first join.
local why = badName(ARGV[1], 'channel name') or badName(ARGV[2], 'user name')
if why then return redis.error_reply('BADNAME ' .. why) end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local t = redis.call('TIME')
local now = string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000))
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'created_by', ARGV[2], 'created_at', now,
  'topic', ARGV[3], 'version', ARGV[4])
return 1
