-- confab post, protocol v2 (core/chat/PROTOCOL.md, "Scripts")
-- KEYS: 1 log stream, 2 sent marker (MP{N}:CID), 3 info hash, 4 members set
-- ARGV: 1 pubsub channel, 2 retention, 3 max text bytes, 4 dedupe seconds,
--       5 type, 6 from (account), 7 text, 8 cid, 9 protocol version, 10 conversation name,
--       11 display name ('' if the same as the account),
--       12 notice: 'publish' (or absent), 'spublish' or 'both'
local kind, from, text, cid, display = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[11] or ''
local conversation = ARGV[10]
local maxText = tonumber(ARGV[3])
if from == '' then return redis.error_reply('INVALID the sender is missing') end
local why = badConversation(conversation) or badName(from, 'user name')
if why then return redis.error_reply('BADNAME ' .. why) end
if display ~= '' then
  why = badDisplay(display)
  if why then return redis.error_reply('BADNAME ' .. why) end
end
if cid == '' then return redis.error_reply('INVALID the cid is missing') end
if #cid > 128 then return redis.error_reply('INVALID the cid is longer than 128 bytes') end
if #text > maxText then
  return redis.error_reply('TOOLARGE the text is ' .. #text .. ' bytes; at most ' .. maxText .. ' are allowed')
end
local known = {msg = true, me = true, join = true, leave = true, topic = true, nick = true}
if not known[kind] then return redis.error_reply('INVALID unknown message type: ' .. kind) end
if (kind == 'msg' or kind == 'me') and text == '' then return redis.error_reply('INVALID the message is empty') end

local a, b = nil, nil
if string.sub(conversation, 1, 1) == '@' then
  a, b = directPair(conversation)
  if from ~= a and from ~= b then
    return redis.error_reply('NOTMEMBER ' .. from .. ' is not part of this direct conversation')
  end
end

local seen = redis.call('GET', KEYS[2])
if seen then
  -- A write, so that a WAIT after this call also covers the first one, which the
  -- replication stream holds before it (a retry may come on a new connection).
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  return {seen, 1}
end

-- Decided from reads only: a script's writes are not undone when a later call fails, so the
-- entry is written first and the rest only after it.
local member = redis.call('SISMEMBER', KEYS[4], from) == 1
if kind == 'join' then
  if member and (not a or redis.call('SISMEMBER', KEYS[4], from == a and b or a) == 1) then
    return {'', 2}
  end
elseif kind == 'leave' then
  -- Closing a direct conversation only hides it on the closer's side.
  if a or not member then return {'', 2} end
elseif not member then
  return redis.error_reply('NOTMEMBER ' .. from .. ' has not joined "' .. conversation .. '"; join it first')
end

local id
if display ~= '' and display ~= from then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*',
    'v', ARGV[9], 'type', kind, 'from', from, 'name', display, 'text', text, 'cid', cid)
else
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*',
    'v', ARGV[9], 'type', kind, 'from', from, 'text', text, 'cid', cid)
end

if kind == 'join' then
  local t = redis.call('TIME')
  local now = string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000))
  redis.call('HSETNX', KEYS[3], 'name', conversation)
  if redis.call('HSETNX', KEYS[3], 'created_at', now) == 1 then
    redis.call('HSET', KEYS[3], 'created_by', from, 'version', ARGV[9])
  end
  -- Both people of a direct conversation are in it from the start.
  if a then redis.call('SADD', KEYS[4], a, b) else redis.call('SADD', KEYS[4], from) end
elseif kind == 'leave' then
  redis.call('SREM', KEYS[4], from)
elseif kind == 'topic' then
  redis.call('HSET', KEYS[3], 'topic', text)
end

redis.call('SET', KEYS[2], id, 'EX', ARGV[4])
-- The notice is a hint: readers take the entry from the log. On a cluster it goes to the
-- shard that owns the conversation (SPUBLISH) instead of every node; 'both' also reaches
-- the pattern subscriptions that discover direct conversations.
local notice = '{"v":' .. ARGV[9] .. ',"id":"' .. id .. '"}'
local mode = ARGV[12] or ''
if mode == 'spublish' or mode == 'both' then redis.call('SPUBLISH', ARGV[1], notice) end
if mode ~= 'spublish' then redis.call('PUBLISH', ARGV[1], notice) end
return {id, 0}
