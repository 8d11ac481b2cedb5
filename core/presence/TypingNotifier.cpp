#include "TypingNotifier.h"

#include "chat/NameRule.h"
#include "redis/RedisClient.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Confab {

TypingNotifier::TypingNotifier(RedisClient *commands, ChatKeys keys, QObject *parent)
    : QObject(parent)
    , m_commands(commands)
    , m_keys(std::move(keys))
{
    m_clock.start();
}

QByteArray TypingNotifier::payload(const QString &account, bool typing)
{
    return QJsonDocument(QJsonObject{
                             {QStringLiteral("v"), 2},
                             {QStringLiteral("typing"), account},
                             {QStringLiteral("state"),
                              typing ? QStringLiteral("start") : QStringLiteral("stop")},
                         })
        .toJson(QJsonDocument::Compact);
}

std::optional<TypingNotifier::Notice> TypingNotifier::parse(const QByteArray &payload)
{
    // The post script's notices ({"v":2,"id":…}) are the common case: not worth parsing here.
    if (payload.size() > 1024 || !payload.contains("\"typing\""))
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(payload);
    if (!document.isObject())
        return std::nullopt;
    const QJsonObject object = document.object();
    const QJsonValue account = object.value(QLatin1String("typing"));
    const QJsonValue state = object.value(QLatin1String("state"));
    if (!account.isString() || !state.isString())
        return std::nullopt;
    if (!NameRule::check(account.toString(), QStringLiteral("user name")).isEmpty())
        return std::nullopt;
    if (state.toString() == QLatin1String("start"))
        return Notice{account.toString(), true};
    if (state.toString() == QLatin1String("stop"))
        return Notice{account.toString(), false};
    return std::nullopt;
}

void TypingNotifier::typed(const QString &channel)
{
    const auto last = m_lastStart.constFind(channel);
    if (last != m_lastStart.cend() && m_clock.elapsed() - *last < Interval.count())
        return;
    m_lastStart.insert(channel, m_clock.elapsed());
    publish(channel, true);
}

void TypingNotifier::stopped(const QString &channel)
{
    const auto last = m_lastStart.constFind(channel);
    if (last == m_lastStart.cend())
        return;
    const bool recent = m_clock.elapsed() - *last < Expiry.count();
    m_lastStart.remove(channel);
    // After Expiry readers have let it lapse by themselves.
    if (recent)
        publish(channel, false);
}

void TypingNotifier::publish(const QString &channel, bool typing)
{
    if (!m_commands || m_account.isEmpty())
        return;
    ++m_sent;
    // Fire and forget: a lost typing notice only means an indicator shows a moment late.
    m_commands->command({m_sharded ? QByteArray("SPUBLISH") : QByteArray("PUBLISH"),
                         m_keys.pubsub(channel), payload(m_account, typing)},
                        {},
                        {std::chrono::milliseconds(2000), RedisConnection::QueuePolicy::FailFast});
}

} // namespace Confab
