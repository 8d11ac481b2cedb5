#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace Confab {

// Where one person is (PROTOCOL.md, "Presence"): online, away or offline, with an optional
// status text of their own. Offline is what the server says when it has nothing: the key
// expired because no client of theirs kept it alive, or they quit.
struct Presence
{
    enum class State { Offline, Online, Away };

    QString account;
    State state = State::Offline;
    // Their own words ("in a meeting"): untrusted text, at most MaxStatusLength characters,
    // one line; shown isolated (DisplayText).
    QString status;
    // When the state last changed, ms since the epoch (their clock); 0 if unknown.
    qint64 sinceMs = 0;

    static constexpr int MaxStatusLength = 200;

    bool isOnline() const { return state != State::Offline; }
    // "online", "away", "offline": the wire names, also used by confab-cli --json.
    static QByteArray stateName(State state);
    // Offline for anything else; `known` says whether it was one of the names.
    static State stateFromName(const QByteArray &name, bool *known = nullptr);
    // "Online", "Away", "Offline", translated: what a screen reader says beside the dot.
    static QString stateText(State state);
    // The status text as it may be stored and shown: one line, no control characters, cut at
    // MaxStatusLength characters (whole characters, never half a surrogate pair).
    static QString cleanStatus(const QString &text);

    friend bool operator==(const Presence &, const Presence &) = default;
};

using PresenceList = QList<Presence>;

} // namespace Confab

Q_DECLARE_METATYPE(Confab::Presence)
Q_DECLARE_METATYPE(Confab::PresenceList)
Q_DECLARE_METATYPE(Confab::Presence::State)
