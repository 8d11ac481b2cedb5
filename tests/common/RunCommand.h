#pragma once

#include "redis/RedisClient.h"
#include "redis/RedisConnection.h"

#include <QTest>

#include <optional>

namespace Confab::Test {

// Issues one command and spins the event loop until its callback runs (or 30 s pass, which
// gives a TEST_TIMEOUT error the assertions then report). For a RedisConnection or a
// RedisClient.
template<typename Client>
RedisReply runCommand(Client &client, const QList<QByteArray> &args,
                      const RedisConnection::CommandOptions &options = {})
{
    std::optional<RedisReply> result;
    client.command(
        args, [&result](const RedisReply &reply) { result = reply; }, options);
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 30000))
        return RedisReply::error("TEST_TIMEOUT no callback within 30 s");
    return *result;
}

// Opens the connection and waits until it is logged in; false if it did not get there.
template<typename Client> bool openAndWait(Client &client, int timeoutMs = 15000)
{
    client.open();
    return QTest::qWaitFor(
        [&client] { return client.state() == RedisConnection::State::Connected; }, timeoutMs);
}

} // namespace Confab::Test
