-- confab import-entries, protocol v2 (core/chat/PROTOCOL.md, "Upgrading from version 1")
-- Copies entries of a version-1 direct conversation ("dm:A:B") into its version-2 one.
-- KEYS: 1 log, 2 info hash, 3 members set of the version-2 conversation
-- ARGV: 1 pubsub channel, 2 retention, 3 conversation name (v2), 4 version-1 name,
--       then five per entry, oldest first: id, type, from, text, cid
-- Only msg, me and topic entries written by one of the two people are copied, each once
-- (the info hash's legacy_last is the newest version-1 id copied). Returns how many were.
local a, b, why = directPair(ARGV[3])
if why then return redis.error_reply('BADNAME ' .. why) end
local done = redis.call('HGET', KEYS[2], 'legacy_last') or '0-0'
local function after(x, y) -- stream id x > y
  local xm, xs = string.match(x, '^(%d+)-(%d+)$')
  local ym, ys = string.match(y, '^(%d+)-(%d+)$')
  if not xm or not ym then return false end
  xm, xs, ym, ys = tonumber(xm), tonumber(xs), tonumber(ym), tonumber(ys)
  return xm > ym or (xm == ym and xs > ys)
end
local top = '0-0'
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if newest[1] then top = newest[1][1] end
local copy = {msg = true, me = true, topic = true}
local copied, last, lastWritten = 0, done, nil
for i = 5, #ARGV - 4, 5 do
  local id, kind, from, text, cid = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  if after(id, done) then
    last = id
    if copy[kind] and (from == a or from == b) then
      if cid == '' then cid = 'v1-' .. id end
      if after(id, top) then
        lastWritten = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], id,
          'v', '1', 'type', kind, 'from', from, 'text', text, 'cid', cid)
      else
        lastWritten = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*',
          'v', '1', 'type', kind, 'from', from, 'text', text, 'cid', cid, 'orig', id)
      end
      top = lastWritten
      copied = copied + 1
    end
  end
end
local t = redis.call('TIME')
local now = string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000))
redis.call('HSETNX', KEYS[2], 'name', ARGV[3])
if redis.call('HSETNX', KEYS[2], 'created_at', now) == 1 then
  redis.call('HSET', KEYS[2], 'created_by', a, 'version', '2')
end
redis.call('HSET', KEYS[2], 'legacy', ARGV[4], 'legacy_last', last)
redis.call('SADD', KEYS[3], a, b)
if lastWritten then
  redis.call('PUBLISH', ARGV[1], '{"v":2,"id":"' .. lastWritten .. '"}')
end
return copied
