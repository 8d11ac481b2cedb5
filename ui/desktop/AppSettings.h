#pragma once

#include "redis/RedisOptions.h"

#include <QByteArray>
#include <QKeySequence>
#include <QList>
#include <QSettings>
#include <QString>
#include <QVariantMap>

namespace Confab {

// The user's preferences, typed, over QSettings (organisation and application "Confab", in the
// format QSettings::defaultFormat() names). Each getter knows its default, so a fresh install and
// a settings file from an older version read the same way. Cheap to construct: make one where
// it is needed rather than passing one around; all instances see the same store.
//
// Passwords are never stored here: the settings file is plain text. They belong in the OS
// keychain.
class AppSettings
{
public:
    enum class Theme { System, Light, Dark };

    static constexpr int DefaultScrollbackRows = 10000;
    static constexpr int MinScrollbackRows = 500;
    static constexpr int MaxScrollbackRows = 100000;

    AppSettings();

    Theme theme() const;
    void setTheme(Theme theme);
    // Empty / 0: the system's default font.
    QString fontFamily() const;
    void setFontFamily(const QString &family);
    int fontSize() const;
    void setFontSize(int points);
    // A QDateTime::toString() format for message timestamps.
    QString timestampFormat() const;
    void setTimestampFormat(const QString &format);
    // Messages kept in memory per channel; clamped to [MinScrollbackRows, MaxScrollbackRows].
    int scrollbackRows() const;
    void setScrollbackRows(int rows);
    // Minutes without input to Confab after which it shows the user away (0: never).
    static constexpr int DefaultIdleAwayMinutes = 10;
    int idleAwayMinutes() const;
    void setIdleAwayMinutes(int minutes);
    // Whether others see when the user is typing, and the user sees theirs.
    bool typingNoticesEnabled() const;
    void setTypingNoticesEnabled(bool enabled);
    bool notificationsEnabled() const;
    void setNotificationsEnabled(bool enabled);
    // Whether the member list is shown (Go › Show Members).
    bool membersVisible() const;
    bool channelsVisible() const;
    void setChannelsVisible(bool visible);
    void setMembersVisible(bool visible);

    // The bindings in force for a ShortcutTable action: the user's, or the table's defaults.
    // An empty list set by the user means "unbound" and stays unbound.
    QList<QKeySequence> keysFor(const QString &actionId) const;
    void setKeysFor(const QString &actionId, const QList<QKeySequence> &keys);
    // Back to the table's defaults.
    void resetKeys(const QString &actionId);
    bool hasCustomKeys(const QString &actionId) const;

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);
    // Unsent text per conversation (DraftKeeper): channel -> [text, cursor position].
    QVariantMap drafts() const;
    void setDrafts(const QVariantMap &drafts);
    QString lastChannel() const;
    void setLastChannel(const QString &name);
    QString userName() const;
    void setUserName(const QString &name);
    // 32 hex characters proving that this install owns its account (PROTOCOL.md, "Identity").
    // Made up from the system's random source the first time it is asked for, then kept in an
    // owner-only (0600) file beside the settings file, never in the settings file itself (a
    // secret found there, from an older version, is moved).
    QByteArray installSecret();
    QString installSecretPath() const;
    // Once the secret is in the keychain (InstallSecretStore): the file goes, and the settings
    // remember where the secret is, so that a keychain that cannot be read is never taken for
    // a first start (which would make a new secret and lose the account).
    void setInstallSecretInKeychain();
    bool installSecretInKeychain() const;

    // The connection profile, without the password.
    QString connectionUrl() const;
    void setConnectionUrl(const QString &url);
    QString connectionUsername() const;
    void setConnectionUsername(const QString &username);
    QString tlsCaFile() const;
    void setTlsCaFile(const QString &path);
    QString tlsCertFile() const;
    void setTlsCertFile(const QString &path);
    QString tlsKeyFile() const;
    void setTlsKeyFile(const QString &path);
    bool tlsVerifyPeer() const;
    void setTlsVerifyPeer(bool verify);
    // The profile as options (password empty), and the profile taken from options (password
    // dropped). A stored URL that no longer parses gives the default options.
    RedisOptions connectionOptions() const;
    void setConnectionOptions(const RedisOptions &options);
    // Whether the user ever chose a server (the connection dialog saves one).
    bool hasConnectionProfile() const;
    // What the profile's password is filed under in the keychain (PasswordStore).
    QString passwordAccount() const { return connectionUrl(); }
    // ...and the sentinels' password of a Sentinel profile.
    QString sentinelPasswordAccount() const
    {
        return connectionUrl() + QStringLiteral(" (sentinels)");
    }
    // Where these settings are kept; tells one profile from another.
    QString location() const { return m_settings.fileName(); }

    // Writes pending changes to disk now (QSettings also does so on its own, later).
    void sync();

private:
    static bool writeOwnerOnly(const QString &path, const QByteArray &contents);
    QSettings m_settings;
};

} // namespace Confab
