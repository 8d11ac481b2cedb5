-- confab claim-user, protocol v1 (core/chat/PROTOCOL.md, "Scripts")
-- KEYS: 1 user hash. ARGV: 1 install secret, 2 name
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
