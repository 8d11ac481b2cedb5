-- confab claim-user, protocol v2 (core/chat/PROTOCOL.md, "Scripts")
-- KEYS: 1 the account's hash UP{ACCOUNT}; 2 (optional) the version-1 hash user:ACCOUNT, given
--       on a server that may hold version-1 data (no namespace, not a Cluster)
-- ARGV: 1 install secret, 2 account, 3 display name for a new account ('' for none)
-- Returns {created, upgrade}: created 1 if the account is new; upgrade 1 if a version-1
-- account of this install is to be carried over (the client does it, then sets 'upgraded').
local why = badName(ARGV[2], 'user name')
if why then return redis.error_reply('BADNAME ' .. why) end
if ARGV[3] ~= '' then
  why = badDisplay(ARGV[3])
  if why then return redis.error_reply('BADNAME ' .. why) end
end
local token = redis.sha1hex(ARGV[1])
local t = redis.call('TIME')
local now = string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000))
local owner = redis.call('HGET', KEYS[1], 'owner')
local legacyOwner = nil
if KEYS[2] then legacyOwner = redis.call('HGET', KEYS[2], 'owner') end
if owner and owner ~= token then
  return redis.error_reply('TAKEN user name "' .. ARGV[2] .. '" already exists')
end
if not owner and legacyOwner and legacyOwner ~= token then
  -- Somebody still on version 1 has it.
  return redis.error_reply('TAKEN user name "' .. ARGV[2] .. '" already exists')
end
local created = 0
if not owner then
  created = 1
  local since = now
  if legacyOwner then since = redis.call('HGET', KEYS[2], 'created_at') or now end
  redis.call('HSET', KEYS[1], 'name', ARGV[2], 'owner', token, 'created_at', since)
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'display', ARGV[3]) end
  if KEYS[2] and not legacyOwner then
    -- Keeps a version-1 client elsewhere from claiming the same name.
    redis.call('HSET', KEYS[2], 'name', ARGV[2], 'owner', token, 'created_at', now, 'protocol', '2')
  end
end
redis.call('HSET', KEYS[1], 'seen_at', now)
local upgrade = 0
if legacyOwner == token and redis.call('HEXISTS', KEYS[1], 'upgraded') == 0 then
  if redis.call('HEXISTS', KEYS[2], 'protocol') == 0 then upgrade = 1 end
end
return {created, upgrade}
