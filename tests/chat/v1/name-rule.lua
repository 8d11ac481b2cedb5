-- confab name rule, protocol v1: the start of every script (a script cannot load another, so
-- the build puts this file in front of each; by hand: cat name-rule.lua post.lua).
-- Why `name` breaks the name rule (PROTOCOL.md, "Names"; core/chat/NameRule.cpp), or nil. Only
-- the part that bytes show: Unicode categories would need tables Lua does not have.
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

