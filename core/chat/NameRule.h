#pragma once

#include <QString>

namespace Confab {

// The one rule for channel and user names, shared by the UI, confab-cli and the server-side
// scripts' expectations (PROTOCOL.md, "Names"). Names go inside Redis key hash tags and
// pub/sub channel names, so the characters that would break those are excluded.
class NameRule
{
public:
    static constexpr int MaxLength = 64; // characters (code points)
    static constexpr int MaxBytes = 200; // UTF-8

    // A name as typed: surrounding whitespace and a leading '#' (for channels) are not part of it.
    static QString normalizedChannel(const QString &typed);
    // Empty if the name is valid, otherwise a sentence saying what is wrong, for the user.
    static QString check(const QString &name, const QString &what = QStringLiteral("name"));
    static bool isValid(const QString &name) { return check(name).isEmpty(); }

    // Display names (PROTOCOL.md, "Identity") are free text on one line: 1 to 64 characters
    // and at most 200 bytes, spaces allowed, no control, format or private-use characters.
    static QString checkDisplayName(const QString &name);
    // A display name as read from Redis, made fit to show: control and format characters
    // dropped, whitespace runs made one space, cut to MaxLength characters.
    static QString displayable(const QString &name);
};

} // namespace Confab
