-- confab name rule, protocol v2: the start of every script (a script cannot load another, so
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

-- The two accounts of a direct conversation name ('@' A ' ' B, A <= B in byte order), or nil
-- and why not. Byte order by hand: Lua's '<' on strings follows the server's locale.
local function directPair(name)
  local a, b = string.match(name, '^@([^ ]+) ([^ ]+)$')
  if not a then return nil, nil, 'conversation "' .. string.gsub(name, '[%z\1-\31\127]', '?') .. '" is not "@A B"' end
  local why = badName(a, 'user name') or badName(b, 'user name')
  if why then return nil, nil, why end
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      if x > y then return nil, nil, 'conversation names its accounts out of order' end
      return a, b, nil
    end
  end
  if #a > #b then return nil, nil, 'conversation names its accounts out of order' end
  return a, b, nil
end

-- Why `name` is not a channel or direct conversation name, or nil.
local function badConversation(name)
  if string.sub(name, 1, 1) == '@' then
    local _, _, why = directPair(name)
    return why
  end
  return badName(name, 'channel name')
end

-- Why `name` cannot be a display name, or nil: free text, but one line of at most 64
-- characters (200 bytes), no control bytes, not blank.
local function badDisplay(name)
  if #name > 200 then return 'display name is too long (' .. #name .. ' bytes; at most 200)' end
  local _, chars = string.gsub(name, '[^\128-\191]', '')
  if chars > 64 then return 'display name is too long (' .. chars .. ' characters; at most 64)' end
  if string.find(name, '[%z\1-\31\127]') then return 'display name may not contain control characters' end
  if not string.find(name, '[^ ]') then return 'display name is empty' end
  return nil
end

