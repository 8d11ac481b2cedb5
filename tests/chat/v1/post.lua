-- confab post, protocol v1 (core/chat/PROTOCOL.md, "Scripts")
-- KEYS: 1 log stream, 2 sent marker (MP{N}:CID), 3 info hash, 4 members set
-- ARGV: 1 pubsub channel, 2 retention, 3 max text bytes, 4 dedupe seconds,
--       5 type, 6 from, 7 text, 8 cid, 9 protocol version, 10 channel name
local kind, from, text, cid = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local maxText = tonumber(ARGV[3])
if from == '' then return redis.error_reply('INVALID the sender is missing') end
local why = badName(ARGV[10], 'channel name') or badName(from, 'user name')
if why then return redis.error_reply('BADNAME ' .. why) end
if cid == '' then return redis.error_reply('INVALID the cid is missing') end
if #text > maxText then
  return redis.error_reply('TOOLARGE the text is ' .. #text .. ' bytes; at most ' .. maxText .. ' are allowed')
end
local known = {msg = true, me = true, join = true, leave = true, topic = true, nick = true}
if not known[kind] then return redis.error_reply('INVALID unknown message type: ' .. kind) end
if (kind == 'msg' or kind == 'me') and text == '' then return redis.error_reply('INVALID the message is empty') end

local seen = redis.call('GET', KEYS[2])
if seen then return {seen, 1} end

if kind == 'join' then
  local t = redis.call('TIME')
  local now = string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000))
  redis.call('HSETNX', KEYS[3], 'name', ARGV[10])
  if redis.call('HSETNX', KEYS[3], 'created_at', now) == 1 then
    redis.call('HSET', KEYS[3], 'created_by', from, 'version', ARGV[9])
  end
  if redis.call('SADD', KEYS[4], from) == 0 then return {'', 2} end
elseif kind == 'leave' then
  if redis.call('SREM', KEYS[4], from) == 0 then return {'', 2} end
elseif kind == 'topic' then
  redis.call('HSET', KEYS[3], 'topic', text)
end

local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*',
  'v', ARGV[9], 'type', kind, 'from', from, 'text', text, 'cid', cid)
redis.call('SET', KEYS[2], id, 'EX', ARGV[4])
redis.call('PUBLISH', ARGV[1], cjson.encode({v = tonumber(ARGV[9]), id = id, type = kind,
  from = from, text = text, cid = cid}))
return {id, 0}
