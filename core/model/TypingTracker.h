#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <chrono>

namespace Confab {

// Who is typing where, from the typing notices the worker hears (PROTOCOL.md, "Typing"): a
// "start" lasts `expiry` unless renewed, a "stop" or a message from that person ends it.
class TypingTracker : public QObject
{
    Q_OBJECT
public:
    explicit TypingTracker(QObject *parent = nullptr);

    void setExpiry(std::chrono::milliseconds expiry) { m_expiry = expiry; }

    void noticed(const QString &channel, const QString &account, bool typing);
    // They sent something (their message ends their typing), or left.
    void stopped(const QString &channel, const QString &account);
    void clear();

    // Who is typing in `channel`, in the order they started.
    QStringList typingIn(const QString &channel) const;

    // "alice is typing…", "alice and bob are typing…", "several people are typing…"; empty for
    // nobody. `names` as they are to be shown.
    static QString describe(const QStringList &names);

Q_SIGNALS:
    void changed(const QString &channel);

private:
    struct Typist
    {
        QString account;
        qint64 since = 0;
        qint64 until = 0;
    };
    void expire();
    void scheduleExpiry();

    std::chrono::milliseconds m_expiry{6000};
    QHash<QString, QList<Typist>> m_typing; // channel -> typists
    QElapsedTimer m_clock;
    QTimer m_timer;
};

} // namespace Confab
