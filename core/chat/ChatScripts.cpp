#include "ChatScripts.h"

#include "ChatScriptSources.h"

namespace Confab {

const RedisScript &ChatScripts::post()
{
    static const RedisScript script(ScriptSources::post);
    return script;
}

const RedisScript &ChatScripts::createChannel()
{
    static const RedisScript script(ScriptSources::createChannel);
    return script;
}

const RedisScript &ChatScripts::claimUser()
{
    static const RedisScript script(ScriptSources::claimUser);
    return script;
}

const RedisScript &ChatScripts::markRead()
{
    static const RedisScript script(ScriptSources::markRead);
    return script;
}

const RedisScript &ChatScripts::setDisplay()
{
    static const RedisScript script(ScriptSources::setDisplay);
    return script;
}

const RedisScript &ChatScripts::importEntries()
{
    static const RedisScript script(ScriptSources::importEntries);
    return script;
}

} // namespace Confab
