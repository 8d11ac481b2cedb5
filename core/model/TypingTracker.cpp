#include "TypingTracker.h"

#include "chat/DisplayText.h"

#include <QCoreApplication>

namespace Confab {

TypingTracker::TypingTracker(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &TypingTracker::expire);
}

void TypingTracker::noticed(const QString &channel, const QString &account, bool typing)
{
    if (!typing) {
        stopped(channel, account);
        return;
    }
    QList<Typist> &typists = m_typing[channel];
    const qint64 now = m_clock.elapsed();
    for (Typist &typist : typists) {
        if (typist.account == account) {
            typist.until = now + m_expiry.count();
            scheduleExpiry();
            return;
        }
    }
    // Bounded: a flood of forged names cannot grow it without end.
    if (typists.size() >= 50)
        typists.removeFirst();
    typists.append({account, now, now + m_expiry.count()});
    scheduleExpiry();
    Q_EMIT changed(channel);
}

void TypingTracker::stopped(const QString &channel, const QString &account)
{
    const auto it = m_typing.find(channel);
    if (it == m_typing.end())
        return;
    const qsizetype removed =
        it->removeIf([&account](const Typist &t) { return t.account == account; });
    if (it->isEmpty())
        m_typing.erase(it);
    if (removed > 0)
        Q_EMIT changed(channel);
}

void TypingTracker::clear()
{
    const QStringList channels = m_typing.keys();
    m_typing.clear();
    m_timer.stop();
    for (const QString &channel : channels)
        Q_EMIT changed(channel);
}

QStringList TypingTracker::typingIn(const QString &channel) const
{
    QStringList accounts;
    for (const Typist &typist : m_typing.value(channel))
        accounts << typist.account;
    return accounts;
}

QString TypingTracker::describe(const QStringList &names)
{
    switch (names.size()) {
    case 0:
        return {};
    case 1:
        return QCoreApplication::translate("TypingTracker", "%1 is typing…")
            .arg(DisplayText::isolated(names.at(0)));
    case 2:
        return QCoreApplication::translate("TypingTracker", "%1 and %2 are typing…")
            .arg(DisplayText::isolated(names.at(0)), DisplayText::isolated(names.at(1)));
    default:
        return QCoreApplication::translate("TypingTracker", "Several people are typing…");
    }
}

void TypingTracker::expire()
{
    const qint64 now = m_clock.elapsed();
    QStringList touched;
    for (auto it = m_typing.begin(); it != m_typing.end();) {
        if (it->removeIf([now](const Typist &t) { return t.until <= now; }) > 0)
            touched << it.key();
        if (it->isEmpty())
            it = m_typing.erase(it);
        else
            ++it;
    }
    scheduleExpiry();
    for (const QString &channel : touched)
        Q_EMIT changed(channel);
}

void TypingTracker::scheduleExpiry()
{
    qint64 next = -1;
    for (const QList<Typist> &typists : std::as_const(m_typing)) {
        for (const Typist &typist : typists)
            next = next < 0 ? typist.until : std::min(next, typist.until);
    }
    if (next < 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(std::max<qint64>(0, next - m_clock.elapsed())));
}

} // namespace Confab
