-- confab mark-read, protocol v2 (core/chat/PROTOCOL.md, "Read marks")
-- KEYS: 1 UP{ACCOUNT}:read (HASH channel -> stream id). ARGV: channel, id, channel, id, ...
-- Moves each mark forward, never back: another install of the same user may have read
-- further already. Pairs with a bad channel name or id are skipped. Returns how many moved.
local function parseId(id)
  local ms, seq = string.match(id or '', '^(%d+)-(%d+)$')
  if not ms then return nil end
  return tonumber(ms), tonumber(seq)
end
local moved = 0
for i = 1, #ARGV - 1, 2 do
  local ms, seq = parseId(ARGV[i + 1])
  if ms and not badConversation(ARGV[i]) then
    local oldMs, oldSeq = parseId(redis.call('HGET', KEYS[1], ARGV[i]))
    if not oldMs or ms > oldMs or (ms == oldMs and seq > oldSeq) then
      redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
      moved = moved + 1
    end
  end
end
return moved
