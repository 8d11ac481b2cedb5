#pragma once

#include "chat/RedisWorker.h"

#include <QHash>
#include <QObject>
#include <QThread>

namespace Confab::Test {

class RedisServerFixture;

// A RedisWorker in a QThread of its own, as the application runs it, plus a record (kept in
// the test's thread) of everything it emitted. Messages are kept per channel in log order, as
// a model would hold them: pages of history in front, live messages at the end.
class ThreadedWorker : public QObject
{
    Q_OBJECT
public:
    explicit ThreadedWorker(const ChatConfig &config, QObject *parent = nullptr);
    ~ThreadedWorker() override;

    RedisWorker *worker() const { return m_worker; }

    // A config for `user` on `server`, with a secret of its own per user name (so the same
    // name twice is the same install) and quick reconnects.
    static ChatConfig configFor(const RedisServerFixture &server, const QString &user,
                                const QString &outboxPath = {});

    // Runs `f` in the worker's thread, after everything asked before.
    template<typename F> void run(F &&f)
    {
        QMetaObject::invokeMethod(m_worker, std::forward<F>(f), Qt::QueuedConnection);
    }

    // Waits until the user name is claimed (the worker is ready to chat).
    bool waitForReady(int timeoutMs = 20000);
    bool waitForJoined(const QString &channel, int timeoutMs = 20000);
    // Waits until `channel` holds at least `count` messages of type msg.
    bool waitForTexts(const QString &channel, int count, int timeoutMs = 60000);

    ChatMessageList messages(const QString &channel) const { return m_messages.value(channel); }
    // The texts of the ordinary messages of one channel, in log order.
    QStringList texts(const QString &channel) const;
    bool reachedStart(const QString &channel) const { return m_reachedStart.value(channel); }
    int historyPages(const QString &channel) const { return m_historyPages.value(channel); }

    QString userName() const { return m_user; }
    QString displayName() const { return m_display; }
    QStringList errors() const { return m_errors; }
    // The last presence reported for `account` (offline if none yet), and every state
    // reported for it, in order.
    Presence presenceOf(const QString &account) const
    {
        return m_presence.value(account, Presence{account});
    }
    // Typing notices heard: "CHANNEL ACCOUNT start|stop", in order.
    QStringList typingNotices() const { return m_typing; }
    QList<Presence::State> presenceHistory(const QString &account) const
    {
        return m_presenceHistory.value(account);
    }
    QStringList rejections() const { return m_rejections; }
    QStringList sendErrors() const { return m_sendErrors; }
    int sentCount() const { return m_sent; }
    int outboxCount() const { return m_outbox; }
    QSet<QString> joined() const { return m_joined; }
    ChannelInfoList lastListing() const { return m_listing; }
    int listings() const { return m_listings; }
    RedisConnection::State state() const { return m_state; }
    // Every state reported, in order: a short Reconnecting between two polls shows here.
    QList<RedisConnection::State> states() const { return m_states; }
    // What the last state change said: the server ("Cluster · 3 shards") or what went wrong.
    QString connectionDetail() const { return m_detail; }

private:
    QThread m_thread;
    RedisWorker *m_worker = nullptr;
    QHash<QString, ChatMessageList> m_messages;
    QHash<QString, bool> m_reachedStart;
    QHash<QString, int> m_historyPages;
    QString m_user;
    QString m_display;
    QStringList m_errors;
    QHash<QString, Presence> m_presence;
    QStringList m_typing;
    QHash<QString, QList<Presence::State>> m_presenceHistory;
    QStringList m_rejections;
    QStringList m_sendErrors;
    int m_sent = 0;
    int m_outbox = 0;
    QSet<QString> m_joined;
    ChannelInfoList m_listing;
    int m_listings = 0;
    RedisConnection::State m_state = RedisConnection::State::Disconnected;
    QList<RedisConnection::State> m_states;
    QString m_detail;
};

} // namespace Confab::Test
