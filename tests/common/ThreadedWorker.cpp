#include "ThreadedWorker.h"

#include "RedisServerFixture.h"

#include <QTest>

using namespace std::chrono_literals;

namespace Confab::Test {

ThreadedWorker::ThreadedWorker(const ChatConfig &config, QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("worker-") + config.userName);
    m_worker = new RedisWorker(config);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &RedisWorker::userReady, this,
            [this](const QString &name) { m_user = name; });
    connect(m_worker, &RedisWorker::identityChanged, this,
            [this](const QString &, const QString &display) { m_display = display; });
    connect(m_worker, &RedisWorker::userRejected, this,
            [this](const QString &, const QString &error) { m_rejections << error; });
    connect(m_worker, &RedisWorker::errorOccurred, this,
            [this](const QString &error) { m_errors << error; });
    connect(m_worker, &RedisWorker::channelFailed, this,
            [this](const QString &, const QString &error) { m_errors << error; });
    connect(m_worker, &RedisWorker::sendFailed, this,
            [this](const QString &, const QByteArray &, const QString &error) {
                m_sendErrors << error;
            });
    connect(m_worker, &RedisWorker::messageSent, this, [this] { ++m_sent; });
    connect(m_worker, &RedisWorker::typingNoticed, this,
            [this](const QString &channel, const QString &account, bool typing) {
                m_typing << QStringLiteral("%1 %2 %3")
                                .arg(channel, account,
                                     typing ? QStringLiteral("start") : QStringLiteral("stop"));
            });
    connect(m_worker, &RedisWorker::presenceChanged, this, [this](const PresenceList &changes) {
        for (const Presence &presence : changes) {
            m_presence.insert(presence.account, presence);
            m_presenceHistory[presence.account] << presence.state;
        }
    });
    connect(m_worker, &RedisWorker::outboxChanged, this, [this](int count) { m_outbox = count; });
    connect(m_worker, &RedisWorker::channelJoined, this,
            [this](const ChannelInfo &info) { m_joined.insert(info.name); });
    connect(m_worker, &RedisWorker::channelLeft, this,
            [this](const QString &name) { m_joined.remove(name); });
    connect(m_worker, &RedisWorker::channelsListed, this, [this](const ChannelInfoList &list) {
        m_listing = list;
        ++m_listings;
    });
    connect(m_worker, &RedisWorker::connectionStateChanged, this,
            [this](RedisConnection::State state, const QString &detail) {
                m_state = state;
                m_states << state;
                m_detail = detail;
            });
    connect(m_worker, &RedisWorker::messagesReceived, this,
            [this](const QString &channel, const ChatMessageList &batch) {
                m_messages[channel].append(batch);
            });
    connect(m_worker, &RedisWorker::historyLoaded, this,
            [this](const QString &channel, const ChatMessageList &page, bool reachedStart) {
                ChatMessageList &log = m_messages[channel];
                log = page + log;
                m_reachedStart[channel] = reachedStart;
                ++m_historyPages[channel];
            });

    m_thread.start();
    run([w = m_worker] { w->start(); });
}

ChatConfig ThreadedWorker::configFor(const RedisServerFixture &server, const QString &user,
                                     const QString &outboxPath)
{
    ChatConfig config;
    config.redis = server.options();
    config.redis.reconnectMinDelay = 20ms;
    config.redis.reconnectMaxDelay = 300ms;
    config.userName = user;
    config.installSecret = "secret-of-" + user.toUtf8();
    config.outboxPath = outboxPath;
    return config;
}

ThreadedWorker::~ThreadedWorker()
{
    m_thread.quit();
    m_thread.wait();
}

bool ThreadedWorker::waitForReady(int timeoutMs)
{
    return QTest::qWaitFor([this] { return !m_user.isEmpty(); }, timeoutMs);
}

bool ThreadedWorker::waitForJoined(const QString &channel, int timeoutMs)
{
    return QTest::qWaitFor([this, channel] { return m_joined.contains(channel); }, timeoutMs);
}

bool ThreadedWorker::waitForTexts(const QString &channel, int count, int timeoutMs)
{
    return QTest::qWaitFor([this, channel, count] { return texts(channel).size() >= count; },
                           timeoutMs);
}

QStringList ThreadedWorker::texts(const QString &channel) const
{
    QStringList out;
    for (const ChatMessage &m : m_messages.value(channel)) {
        if (m.type == ChatMessage::Type::Message)
            out << m.text;
    }
    return out;
}

} // namespace Confab::Test
