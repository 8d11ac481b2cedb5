#pragma once

#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "chat/RedisWorker.h"
#include "presence/PresenceTracker.h"

namespace Confab::Test {

// A worker's configuration for `user` on `server` that announces its presence (as the desktop
// app does) or not (as confab-cli does).
inline ChatConfig presenceConfig(const RedisServerFixture &server, const QString &user,
                                 bool announce = true)
{
    ChatConfig config = ThreadedWorker::configFor(server, user);
    config.announcePresence = announce;
    return config;
}

// The presence reads the worker's tracker has sent (HMGET + PTTL count as one).
inline quint64 presenceReadsOf(ThreadedWorker &worker)
{
    quint64 reads = 0;
    QMetaObject::invokeMethod(
        worker.worker(),
        [&reads, w = worker.worker()] { reads = w->presenceTracker()->readsSent(); },
        Qt::BlockingQueuedConnection);
    return reads;
}

} // namespace Confab::Test
