#include "AppSettings.h"

#include "ShortcutTable.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <algorithm>
#include <cctype>

namespace Confab {

namespace {

// Keys are spelled out once, here; the file is meant to be readable and hand-editable.
const QString ThemeKey = QStringLiteral("appearance/theme");
const QString FontFamilyKey = QStringLiteral("appearance/fontFamily");
const QString FontSizeKey = QStringLiteral("appearance/fontSize");
const QString TimestampFormatKey = QStringLiteral("appearance/timestampFormat");
const QString ScrollbackRowsKey = QStringLiteral("messages/scrollbackRows");
const QString NotificationsKey = QStringLiteral("messages/notifications");
const QString IdleAwayKey = QStringLiteral("presence/idleAwayMinutes");
const QString TypingNoticesKey = QStringLiteral("presence/typingNotices");
const QString WindowGeometryKey = QStringLiteral("window/geometry");
const QString WindowStateKey = QStringLiteral("window/state");
const QString MembersVisibleKey = QStringLiteral("window/membersVisible");
const QString ChannelsVisibleKey = QStringLiteral("window/channelsVisible");
const QString LastChannelKey = QStringLiteral("session/lastChannel");
const QString DraftsKey = QStringLiteral("session/drafts");
const QString UserNameKey = QStringLiteral("identity/userName");
const QString InstallSecretKey = QStringLiteral("identity/installSecret");
const QString SecretInKeychainKey = QStringLiteral("identity/installSecretInKeychain");
const QString UrlKey = QStringLiteral("connection/url");
const QString UsernameKey = QStringLiteral("connection/username");
const QString TlsCaKey = QStringLiteral("connection/tlsCaFile");
const QString TlsCertKey = QStringLiteral("connection/tlsCertFile");
const QString TlsKeyKey = QStringLiteral("connection/tlsKeyFile");
const QString TlsVerifyKey = QStringLiteral("connection/tlsVerifyPeer");

QString shortcutKey(const QString &actionId)
{
    return QStringLiteral("shortcuts/") + actionId;
}

// Themes are stored by name rather than number so the file stays meaningful to a reader and
// survives reordering the enum.
QString themeName(AppSettings::Theme theme)
{
    switch (theme) {
    case AppSettings::Theme::Light:
        return QStringLiteral("light");
    case AppSettings::Theme::Dark:
        return QStringLiteral("dark");
    case AppSettings::Theme::System:
        break;
    }
    return QStringLiteral("system");
}

} // namespace

AppSettings::AppSettings()
    // Not QSettings(): that depends on QCoreApplication's names having been set, which tests
    // and confab-cli need not do. defaultFormat() keeps tests able to switch to an INI file.
    : m_settings(QSettings::defaultFormat(), QSettings::UserScope, QStringLiteral("Confab"),
                 QStringLiteral("Confab"))
{ }

AppSettings::Theme AppSettings::theme() const
{
    const QString name = m_settings.value(ThemeKey).toString();
    if (name == QLatin1String("light"))
        return Theme::Light;
    if (name == QLatin1String("dark"))
        return Theme::Dark;
    return Theme::System;
}

void AppSettings::setTheme(Theme theme)
{
    m_settings.setValue(ThemeKey, themeName(theme));
}

QString AppSettings::fontFamily() const
{
    return m_settings.value(FontFamilyKey).toString();
}

void AppSettings::setFontFamily(const QString &family)
{
    m_settings.setValue(FontFamilyKey, family);
}

int AppSettings::fontSize() const
{
    return qMax(0, m_settings.value(FontSizeKey, 0).toInt());
}

void AppSettings::setFontSize(int points)
{
    m_settings.setValue(FontSizeKey, qMax(0, points));
}

QString AppSettings::timestampFormat() const
{
    const QString format = m_settings.value(TimestampFormatKey).toString();
    return format.isEmpty() ? QStringLiteral("HH:mm") : format;
}

void AppSettings::setTimestampFormat(const QString &format)
{
    m_settings.setValue(TimestampFormatKey, format);
}

int AppSettings::scrollbackRows() const
{
    bool ok = false;
    const int rows = m_settings.value(ScrollbackRowsKey).toInt(&ok);
    return ok ? std::clamp(rows, MinScrollbackRows, MaxScrollbackRows) : DefaultScrollbackRows;
}

void AppSettings::setScrollbackRows(int rows)
{
    m_settings.setValue(ScrollbackRowsKey, std::clamp(rows, MinScrollbackRows, MaxScrollbackRows));
}

bool AppSettings::membersVisible() const
{
    return m_settings.value(MembersVisibleKey, true).toBool();
}

void AppSettings::setMembersVisible(bool visible)
{
    m_settings.setValue(MembersVisibleKey, visible);
}

bool AppSettings::channelsVisible() const
{
    return m_settings.value(ChannelsVisibleKey, true).toBool();
}

void AppSettings::setChannelsVisible(bool visible)
{
    m_settings.setValue(ChannelsVisibleKey, visible);
}

int AppSettings::idleAwayMinutes() const
{
    bool ok = false;
    const int minutes = m_settings.value(IdleAwayKey).toInt(&ok);
    return ok ? std::clamp(minutes, 0, 24 * 60) : DefaultIdleAwayMinutes;
}

void AppSettings::setIdleAwayMinutes(int minutes)
{
    m_settings.setValue(IdleAwayKey, std::clamp(minutes, 0, 24 * 60));
}

bool AppSettings::typingNoticesEnabled() const
{
    return m_settings.value(TypingNoticesKey, true).toBool();
}

void AppSettings::setTypingNoticesEnabled(bool enabled)
{
    m_settings.setValue(TypingNoticesKey, enabled);
}

bool AppSettings::notificationsEnabled() const
{
    return m_settings.value(NotificationsKey, true).toBool();
}

void AppSettings::setNotificationsEnabled(bool enabled)
{
    m_settings.setValue(NotificationsKey, enabled);
}

QList<QKeySequence> AppSettings::keysFor(const QString &actionId) const
{
    const QString key = shortcutKey(actionId);
    if (!m_settings.contains(key)) {
        const ShortcutAction *action = ShortcutTable::find(actionId);
        return action ? action->defaults : QList<QKeySequence>();
    }
    QList<QKeySequence> keys;
    // PortableText, one string per binding: readable in the file and the same on every OS
    // (NativeText would store "⌘K" on macOS).
    for (const QString &text : m_settings.value(key).toStringList()) {
        const QKeySequence sequence = QKeySequence::fromString(text, QKeySequence::PortableText);
        if (!sequence.isEmpty() && !keys.contains(sequence))
            keys.append(sequence);
    }
    return keys;
}

void AppSettings::setKeysFor(const QString &actionId, const QList<QKeySequence> &keys)
{
    QStringList texts;
    for (const QKeySequence &sequence : keys) {
        if (!sequence.isEmpty())
            texts.append(sequence.toString(QKeySequence::PortableText));
    }
    // QSettings' INI format writes an empty list as an invalid value that reads back as
    // "absent"-looking; a single empty string is unambiguous and parses to no bindings.
    if (texts.isEmpty())
        texts.append(QString());
    m_settings.setValue(shortcutKey(actionId), texts);
}

void AppSettings::resetKeys(const QString &actionId)
{
    m_settings.remove(shortcutKey(actionId));
}

bool AppSettings::hasCustomKeys(const QString &actionId) const
{
    return m_settings.contains(shortcutKey(actionId));
}

QByteArray AppSettings::windowGeometry() const
{
    return m_settings.value(WindowGeometryKey).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings.setValue(WindowGeometryKey, geometry);
}

QByteArray AppSettings::windowState() const
{
    return m_settings.value(WindowStateKey).toByteArray();
}

void AppSettings::setWindowState(const QByteArray &state)
{
    m_settings.setValue(WindowStateKey, state);
}

QVariantMap AppSettings::drafts() const
{
    return m_settings.value(DraftsKey).toMap();
}

void AppSettings::setDrafts(const QVariantMap &drafts)
{
    if (drafts.isEmpty())
        m_settings.remove(DraftsKey);
    else
        m_settings.setValue(DraftsKey, drafts);
}

QString AppSettings::lastChannel() const
{
    return m_settings.value(LastChannelKey).toString();
}

void AppSettings::setLastChannel(const QString &name)
{
    m_settings.setValue(LastChannelKey, name);
}

QString AppSettings::userName() const
{
    return m_settings.value(UserNameKey).toString();
}

void AppSettings::setUserName(const QString &name)
{
    m_settings.setValue(UserNameKey, name);
}

QString AppSettings::installSecretPath() const
{
    const QFileInfo settingsFile(m_settings.fileName());
    return settingsFile.absolutePath() + u'/' + settingsFile.completeBaseName()
        + QStringLiteral(".secret");
}

void AppSettings::setInstallSecretInKeychain()
{
    m_settings.setValue(SecretInKeychainKey, true);
    m_settings.remove(InstallSecretKey);
    m_settings.sync();
    QFile::remove(installSecretPath());
}

bool AppSettings::installSecretInKeychain() const
{
    return m_settings.value(SecretInKeychainKey, false).toBool();
}

QByteArray AppSettings::installSecret()
{
    auto wellFormed = [](const QByteArray &secret) {
        return secret.size() == 32 && std::all_of(secret.cbegin(), secret.cend(), [](char c) {
                   return std::isxdigit(uchar(c));
               });
    };
    const QString path = installSecretPath();
    QFile file(path);
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray secret = file.read(64).trimmed();
        if (wellFormed(secret)) {
            // Made by a build that let the umask decide, or copied around: owner only.
            const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup
                | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
            if (file.permissions() & others)
                file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
            return secret;
        }
    }
    // Versions before kept it in the settings file, which anyone on the machine may read:
    // moved to the owner-only file, so the claimed name stays this install's.
    QByteArray secret = m_settings.value(InstallSecretKey).toString().toLatin1();
    if (!wellFormed(secret)) {
        // The system generator (not the seeded global one): the secret is a credential.
        quint32 words[4];
        QRandomGenerator::system()->fillRange(words);
        secret = QByteArray(reinterpret_cast<const char *>(words), sizeof(words)).toHex();
    }
    if (writeOwnerOnly(path, secret + '\n')) {
        m_settings.remove(InstallSecretKey);
    } else {
        // Nowhere safer to keep it: the settings file, as before, rather than a new name at
        // every start.
        m_settings.setValue(InstallSecretKey, QString::fromLatin1(secret));
    }
    m_settings.sync();
    return secret;
}

bool AppSettings::writeOwnerOnly(const QString &path, const QByteArray &contents)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const QString temporary = path + QStringLiteral(".new");
    QFile file(temporary);
    // Owner-only before a byte is written; then renamed over the old one in one step.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || !file.setPermissions(QFile::ReadOwner | QFile::WriteOwner)
        || file.write(contents) != contents.size() || !file.flush()) {
        file.remove();
        return false;
    }
    file.close();
    QFile::remove(path);
    return QFile::rename(temporary, path);
}

QString AppSettings::connectionUrl() const
{
    return m_settings.value(UrlKey).toString();
}

void AppSettings::setConnectionUrl(const QString &url)
{
    m_settings.setValue(UrlKey, url);
}

QString AppSettings::connectionUsername() const
{
    return m_settings.value(UsernameKey).toString();
}

void AppSettings::setConnectionUsername(const QString &username)
{
    m_settings.setValue(UsernameKey, username);
}

QString AppSettings::tlsCaFile() const
{
    return m_settings.value(TlsCaKey).toString();
}

void AppSettings::setTlsCaFile(const QString &path)
{
    m_settings.setValue(TlsCaKey, path);
}

QString AppSettings::tlsCertFile() const
{
    return m_settings.value(TlsCertKey).toString();
}

void AppSettings::setTlsCertFile(const QString &path)
{
    m_settings.setValue(TlsCertKey, path);
}

QString AppSettings::tlsKeyFile() const
{
    return m_settings.value(TlsKeyKey).toString();
}

void AppSettings::setTlsKeyFile(const QString &path)
{
    m_settings.setValue(TlsKeyKey, path);
}

bool AppSettings::tlsVerifyPeer() const
{
    return m_settings.value(TlsVerifyKey, true).toBool();
}

void AppSettings::setTlsVerifyPeer(bool verify)
{
    m_settings.setValue(TlsVerifyKey, verify);
}

RedisOptions AppSettings::connectionOptions() const
{
    RedisOptions options;
    const QString url = connectionUrl();
    if (!url.isEmpty()) {
        if (auto parsed = RedisOptions::fromUrl(url))
            options = *parsed;
    }
    // The separate fields win over what the URL says: they are what the dialog edits.
    options.password.clear();
    if (m_settings.contains(UsernameKey))
        options.username = connectionUsername();
    if (m_settings.contains(TlsCaKey))
        options.tlsCaFile = tlsCaFile();
    if (m_settings.contains(TlsCertKey))
        options.tlsCertFile = tlsCertFile();
    if (m_settings.contains(TlsKeyKey))
        options.tlsKeyFile = tlsKeyFile();
    if (m_settings.contains(TlsVerifyKey))
        options.tlsVerifyPeer = tlsVerifyPeer();
    return options;
}

bool AppSettings::hasConnectionProfile() const
{
    return m_settings.contains(UrlKey);
}

void AppSettings::setConnectionOptions(const RedisOptions &options)
{
    // toUrl() keeps every option (socket paths, client name, TLS server name, timeout) and
    // leaves the password out, which is the point.
    setConnectionUrl(options.toUrl());
    setConnectionUsername(options.username);
    setTlsCaFile(options.tlsCaFile);
    setTlsCertFile(options.tlsCertFile);
    setTlsKeyFile(options.tlsKeyFile);
    setTlsVerifyPeer(options.tlsVerifyPeer);
}

void AppSettings::sync()
{
    m_settings.sync();
}

} // namespace Confab
