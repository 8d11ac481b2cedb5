-- confab create-channel, protocol v1 (core/chat/PROTOCOL.md, "Scripts")
-- KEYS: 1 info hash. ARGV: 1 name, 2 creator, 3 topic, 4 protocol version
-- Why `name` breaks the name rule (PROTOCOL.md, "Names"; core/chat/NameRule.cpp), or nil. Only
-- the part that bytes show: Unicode categories would need tables Lua does not have. Each script
-- carries its own copy, as a script cannot load another.
local function badName(name, what)
  if name == '' then return what .. ' is empty' end
  if #name > 200 then return what .. ' is too long (' .. #name .. ' bytes; at most 200)' end
  local _, chars = string.gsub(name, '[^\128-\191]', '') -- UTF-8 lead bytes: one per character
  if chars > 64 then return what .. ' is too long (' .. chars .. ' characters; at most 64)' end
  -- Quoted without its control bytes: an error reply is one line.
  local shown = what .. ' "' .. string.gsub(name, '[%z\1-\31\127]', '?') .. '"'
  if string.find(name, '[%z\1-\32\127]') then return shown .. ' may not contain whitespace or control characters' end
  if string.find(name, '[{}*?%[%]\\]') then return shown .. ' may not contain any of { } * ? [ ] \\' end
  if string.find(name, '^[#/@]') then return shown .. ' may not start with #, / or @' end
  return nil
end

local why = badName(ARGV[1], 'channel name') or badName(ARGV[2], 'user name')
if why then return redis.error_reply('BADNAME ' .. why) end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local t = redis.call('TIME')
local now = string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000))
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'created_by', ARGV[2], 'created_at', now,
  'topic', ARGV[3], 'version', ARGV[4])
return 1
