#include "NameRule.h"

#include <QList>

#include <algorithm>

namespace Confab {

QString NameRule::normalizedChannel(const QString &typed)
{
    QString name = typed.trimmed();
    if (name.startsWith(u'#'))
        name.remove(0, 1);
    return name;
}

QString NameRule::check(const QString &name, const QString &what)
{
    if (name.isEmpty())
        return QStringLiteral("The %1 is empty.").arg(what);
    // Most names are short printable ASCII: those are checked here, without the code points
    // (every entry read has its sender's name checked).
    if (name.size() <= MaxLength && name.front() != u'#' && name.front() != u'/'
        && name.front() != u'@' && std::all_of(name.cbegin(), name.cend(), [](QChar c) {
               const char16_t u = c.unicode();
               return u > 0x20 && u < 0x7f && u != '{' && u != '}' && u != '*' && u != '?'
                   && u != '[' && u != ']' && u != '\\';
           }))
        return {};
    const QList<uint> codePoints = name.toUcs4();
    if (codePoints.size() > MaxLength)
        return QStringLiteral("The %1 is too long (%2 characters; at most %3).")
            .arg(what)
            .arg(codePoints.size())
            .arg(MaxLength);
    if (name.toUtf8().size() > MaxBytes)
        return QStringLiteral("The %1 is too long (more than %2 bytes in UTF-8).")
            .arg(what)
            .arg(MaxBytes);
    for (const uint c : codePoints) {
        if (QChar::isSpace(c))
            return QStringLiteral("The %1 may not contain spaces or other whitespace.").arg(what);
        const QChar::Category category = QChar::category(c);
        if (category == QChar::Other_Control || category == QChar::Other_Format
            || category == QChar::Other_Surrogate || category == QChar::Other_NotAssigned
            || category == QChar::Other_PrivateUse)
            return QStringLiteral("The %1 may not contain control or invisible characters (U+%2).")
                .arg(what)
                .arg(c, 4, 16, QLatin1Char('0'));
        switch (c) {
        case '{':
        case '}':
        case '*':
        case '?':
        case '[':
        case ']':
        case '\\':
            return QStringLiteral("The %1 may not contain \"%2\" (not allowed: { } * ? [ ] \\).")
                .arg(what, QString::fromUcs4(reinterpret_cast<const char32_t *>(&c), 1));
        default:
            break;
        }
    }
    if (name.startsWith(u'#') || name.startsWith(u'/') || name.startsWith(u'@'))
        return QStringLiteral("The %1 may not start with \"%2\".").arg(what, name.left(1));
    return {};
}

QString NameRule::checkDisplayName(const QString &name)
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("The display name is empty.");
    const QList<uint> codePoints = name.toUcs4();
    if (codePoints.size() > MaxLength)
        return QStringLiteral("The display name is too long (%1 characters; at most %2).")
            .arg(codePoints.size())
            .arg(MaxLength);
    if (name.toUtf8().size() > MaxBytes)
        return QStringLiteral("The display name is too long (more than %1 bytes in UTF-8).")
            .arg(MaxBytes);
    if (name != name.trimmed())
        return QStringLiteral("The display name may not start or end with a space.");
    // Shown names collapse runs of spaces (displayable()), so two names differing only there
    // would look the same.
    if (name.contains(QLatin1String("  ")))
        return QStringLiteral("The display name may not contain two spaces in a row.");
    for (const uint c : codePoints) {
        if (QChar::isSpace(c) && c != ' ')
            return QStringLiteral("The display name may not contain line breaks or tabs.");
        const QChar::Category category = QChar::category(c);
        if (category == QChar::Other_Control || category == QChar::Other_Format
            || category == QChar::Other_Surrogate || category == QChar::Other_NotAssigned
            || category == QChar::Other_PrivateUse)
            return QStringLiteral(
                       "The display name may not contain control or invisible characters (U+%1).")
                .arg(c, 4, 16, QLatin1Char('0'));
    }
    return {};
}

QString NameRule::displayable(const QString &name)
{
    QList<uint> kept;
    const QList<uint> codePoints = name.toUcs4();
    kept.reserve(std::min<qsizetype>(codePoints.size(), MaxLength));
    for (const uint c : codePoints) {
        if (kept.size() >= MaxLength)
            break;
        if (QChar::isSpace(c)) {
            if (!kept.isEmpty() && kept.last() != ' ')
                kept << ' ';
            continue;
        }
        const QChar::Category category = QChar::category(c);
        if (category == QChar::Other_Control || category == QChar::Other_Format
            || category == QChar::Other_Surrogate || category == QChar::Other_NotAssigned
            || category == QChar::Other_PrivateUse)
            continue;
        kept << c;
    }
    return QString::fromUcs4(reinterpret_cast<const char32_t *>(kept.constData()), kept.size())
        .trimmed();
}

} // namespace Confab
