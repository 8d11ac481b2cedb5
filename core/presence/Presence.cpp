#include "Presence.h"

#include <QCoreApplication>

namespace Confab {

QByteArray Presence::stateName(State state)
{
    switch (state) {
    case State::Online:
        return "online";
    case State::Away:
        return "away";
    case State::Offline:
        break;
    }
    return "offline";
}

Presence::State Presence::stateFromName(const QByteArray &name, bool *known)
{
    if (known)
        *known = true;
    if (name == "online")
        return State::Online;
    if (name == "away")
        return State::Away;
    if (name == "offline")
        return State::Offline;
    if (known)
        *known = false;
    return State::Offline;
}

QString Presence::stateText(State state)
{
    switch (state) {
    case State::Online:
        return QCoreApplication::translate("Presence", "Online");
    case State::Away:
        return QCoreApplication::translate("Presence", "Away");
    case State::Offline:
        break;
    }
    return QCoreApplication::translate("Presence", "Offline");
}

QString Presence::cleanStatus(const QString &text)
{
    QString out;
    out.reserve(std::min<qsizetype>(text.size(), MaxStatusLength + 1));
    int characters = 0;
    for (qsizetype i = 0; i < text.size() && characters < MaxStatusLength; ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate()) {
            if (i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
                out += c;
                out += text.at(++i);
                ++characters;
            }
            continue;
        }
        if (c.isLowSurrogate())
            continue; // unpaired
        // Line breaks and other controls become spaces: a status is one line.
        const QChar::Category category = c.category();
        if (category == QChar::Other_Control || category == QChar::Separator_Line
            || category == QChar::Separator_Paragraph) {
            out += u' ';
        } else {
            out += c;
        }
        ++characters;
    }
    return out.trimmed();
}

} // namespace Confab
