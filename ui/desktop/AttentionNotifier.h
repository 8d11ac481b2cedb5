#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace Confab {

struct ChatMessage;

// Turns messages that ask for the user's attention (mentions, direct messages) into desktop
// notifications without flooding the desktop: the first one of a burst is shown at once, and
// what follows within the quiet interval is summed up in one notification when the interval
// ends ("3 more messages in #dev and from bob"). A busy channel thus pops up at most twice per
// interval, however many mentions it brings.
class AttentionNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultQuietMs = 5000;
    // Longest body shown; the whole text is in the log.
    static constexpr int MaxBodyChars = 200;

    // `displayName` names a channel as the user knows it ("#dev", or the other person of a
    // direct conversation).
    explicit AttentionNotifier(std::function<QString(const QString &)> displayName,
                               QObject *parent = nullptr);

    void setQuietInterval(int ms) { m_quiet.setInterval(ms); }
    int quietInterval() const { return m_quiet.interval(); }

    void add(const QString &channel, const ChatMessage &message);
    // The user is looking now: what was held back for the summary is not news any more.
    void clear();

Q_SIGNALS:
    // `channel` is where clicking the notification should take the user.
    void notify(const QString &title, const QString &body, const QString &channel);

private:
    void flush();

    std::function<QString(const QString &)> m_displayName;
    QTimer m_quiet;
    int m_heldBack = 0;
    QStringList m_heldChannels; // in order of arrival, each once
};

} // namespace Confab
