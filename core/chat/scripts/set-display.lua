-- confab set-display, protocol v2 (core/chat/PROTOCOL.md, "Scripts")
-- KEYS: 1 UP{ACCOUNT}. ARGV: 1 install secret, 2 display name ('' goes back to the account).
-- Returns 1 if it changed, 0 if it was already so; errors BADNAME, NOUSER, TAKEN.
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner then return redis.error_reply('NOUSER the account does not exist') end
if owner ~= redis.sha1hex(ARGV[1]) then
  return redis.error_reply('TAKEN the account belongs to another install')
end
if ARGV[2] == '' then return redis.call('HDEL', KEYS[1], 'display') end
local why = badDisplay(ARGV[2])
if why then return redis.error_reply('BADNAME ' .. why) end
if redis.call('HGET', KEYS[1], 'display') == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'display', ARGV[2])
return 1
