#include "AppSettings.h"
#include "ConnectionDialog.h"
#include "IdentityDialog.h"
#include "IsolatedSettings.h"
#include "PreferencesDialog.h"
#include "RedisSentinelFixture.h"
#include "RedisServerFixture.h"
#include "ShortcutTable.h"
#include "ShortcutsSheet.h"
#include "Theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFontComboBox>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHeaderView>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Confab;
using namespace Confab::Test;
using namespace std::chrono_literals;

namespace {

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR", QDir::currentPath());
    QDir().mkpath(dir);
    return dir;
}

template<typename T> T *child(const QObject *parent, const char *name)
{
    T *found = parent->findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qWarning("no child %s", name);
    return found;
}

// Mode 0600: the owner reads and writes, nobody else anything.
bool ownerOnly(const QString &path)
{
    const QFile::Permissions p = QFile::permissions(path);
    const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup
        | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    return p.testFlag(QFile::ReadOwner) && p.testFlag(QFile::WriteOwner) && !(p & others);
}

QPushButton *standardButton(const QDialog &dialog, QDialogButtonBox::StandardButton which)
{
    const auto *box = dialog.findChild<QDialogButtonBox *>();
    return box ? box->button(which) : nullptr;
}

quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort(); // closed again when `server` goes
}

// Test results can take a few seconds: a refused TLS handshake or a slow first connect.
constexpr int TestTimeoutMs = 20000;

// Widgets of ours (not Qt's own parts, named "qt_…") that a screen reader would announce
// without a name. Labels are named by their text.
QStringList unnamedWidgets(const QWidget *root)
{
    QStringList unnamed;
    for (const QWidget *widget : root->findChildren<QWidget *>()) {
        if (widget->objectName().startsWith(QLatin1String("qt_"))
            || qobject_cast<const QLabel *>(widget))
            continue;
        const bool interactive = qobject_cast<const QAbstractButton *>(widget)
            || qobject_cast<const QLineEdit *>(widget) || qobject_cast<const QComboBox *>(widget)
            || qobject_cast<const QAbstractSpinBox *>(widget)
            || qobject_cast<const QGroupBox *>(widget)
            || qobject_cast<const QKeySequenceEdit *>(widget)
            || qobject_cast<const QAbstractItemView *>(widget)
            || qobject_cast<const QTabWidget *>(widget)
            || qobject_cast<const QProgressBar *>(widget) || qobject_cast<const QFrame *>(widget);
        // Item views' own scroll bars, headers and viewports are Qt's parts too.
        const bool qtPart = qobject_cast<const QScrollBar *>(widget)
            || qobject_cast<const QHeaderView *>(widget)
            || qobject_cast<const QAbstractItemView *>(widget->parentWidget())
            || qobject_cast<const QAbstractSpinBox *>(widget->parentWidget())
            || qobject_cast<const QComboBox *>(widget->parentWidget())
            || qobject_cast<const QLineEdit *>(widget->parentWidget()) // clear buttons
            || widget->window() != root; // combo box pop-ups
        if (interactive && !qtPart && widget->accessibleName().isEmpty())
            unnamed.append(QString::fromLatin1(widget->metaObject()->className()) + u' '
                           + widget->objectName());
    }
    return unnamed;
}

} // namespace

class tst_Dialogs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_settings.isValid(), qPrintable(IsolatedSettings::store().fileName()));
    }

    void identityDialogAsksForAnAccountAndAnOptionalDisplayName()
    {
        IdentityDialog first(QStringLiteral("alice"));
        first.show();
        auto *buttons = first.findChild<QDialogButtonBox *>();
        QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
        // At a first start the login name is offered, not taken: nothing happens until
        // Continue, and Cancel is Quit.
        QCOMPARE(first.windowTitle(), QStringLiteral("Welcome to Confab"));
        QCOMPARE(buttons->button(QDialogButtonBox::Cancel)->text(), QStringLiteral("&Quit"));
        QCOMPARE(first.accountName(), QStringLiteral("alice"));
        QVERIFY(ok->isEnabled());
        const QList<QLineEdit *> fields = first.findChildren<QLineEdit *>();
        QLineEdit *account = nullptr;
        QLineEdit *display = nullptr;
        for (QLineEdit *field : fields) {
            if (field->accessibleName() == QStringLiteral("Account name"))
                account = field;
            else if (field->accessibleName() == QStringLiteral("Display name"))
                display = field;
        }
        QVERIFY(account && display);
        account->setText(QStringLiteral("two words"));
        QVERIFY(!ok->isEnabled());
        bool shown = false;
        for (QLabel *label : first.findChildren<QLabel *>()) {
            if (label->accessibleName() == QStringLiteral("Account name problem"))
                shown = label->isVisible() && label->text().contains(QStringLiteral("spaces"));
        }
        QVERIFY(shown);
        account->setText(QStringLiteral("bob"));
        display->setText(QStringLiteral("Robert \u202e evil")); // a direction override
        QVERIFY(!ok->isEnabled());
        display->setText(QStringLiteral("Robert Paulson"));
        QVERIFY(ok->isEnabled());
        QCOMPARE(first.displayName(), QStringLiteral("Robert Paulson"));

        // Asked again after a refusal: says why, keeps the name as it was, and can wait.
        IdentityDialog again(QStringLiteral("alice"),
                             QStringLiteral("The user name \"alice\" already exists."));
        QCOMPARE(again.windowTitle(), QStringLiteral("Choose Another Account Name"));
        QCOMPARE(again.accountName(), QStringLiteral("alice"));
        QCOMPARE(again.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel)->text(),
                 QStringLiteral("Not &Now"));
    }

    void init() { IsolatedSettings::store().clear(); }
    void cleanupTestCase() { IsolatedSettings::store().clear(); }

    // --- AppSettings ---------------------------------------------------------------------

    void settingsHaveTheDocumentedDefaults()
    {
        const AppSettings settings;
        QCOMPARE(settings.theme(), AppSettings::Theme::System);
        QCOMPARE(settings.timestampFormat(), QStringLiteral("HH:mm"));
        QCOMPARE(settings.scrollbackRows(), 10000);
        QVERIFY(settings.notificationsEnabled());
        QVERIFY(settings.fontFamily().isEmpty());
        QCOMPARE(settings.fontSize(), 0);
        QVERIFY(settings.tlsVerifyPeer());
    }

    void installSecretIsMadeOnceAndKept()
    {
        const QByteArray secret = AppSettings().installSecret();
        QCOMPARE(secret.size(), 32);
        QVERIFY(QByteArray::fromHex(secret).toHex() == secret);
        QCOMPARE(AppSettings().installSecret(), secret);
        // Owner-only, and not in the settings file that anyone may read.
        const QString path = AppSettings().installSecretPath();
        QVERIFY(ownerOnly(path));
        QFile settingsFile(IsolatedSettings::store().fileName());
        IsolatedSettings::store().sync();
        if (settingsFile.open(QIODevice::ReadOnly))
            QVERIFY(!settingsFile.readAll().contains(secret));
        QVERIFY(QFile::remove(path));
        IsolatedSettings::store().clear();
        QVERIFY(AppSettings().installSecret() != secret);
    }

    void anOldSecretInTheSettingsFileIsMovedNotLost()
    {
        QFile::remove(AppSettings().installSecretPath());
        const QByteArray old = "0123456789abcdef0123456789abcdef";
        IsolatedSettings::store().setValue(QStringLiteral("identity/installSecret"),
                                           QString::fromLatin1(old));
        IsolatedSettings::store().sync();
        // The same secret, so the account claimed with it stays this install's.
        QCOMPARE(AppSettings().installSecret(), old);
        IsolatedSettings::store().sync();
        QVERIFY(!IsolatedSettings::store().contains(QStringLiteral("identity/installSecret")));
        QVERIFY(ownerOnly(AppSettings().installSecretPath()));
        QCOMPARE(AppSettings().installSecret(), old);
    }

    void connectionProfileNeverStoresThePassword()
    {
        auto options = RedisOptions::fromUrl(QStringLiteral(
            "rediss://alice:hunter2-secret@example.com:6380/3?tls_ca=/etc/ca.pem&tls_verify=0"));
        QVERIFY(options);
        {
            AppSettings settings;
            settings.setConnectionOptions(*options);
            settings.sync();
        }
        QFile file(IsolatedSettings::store().fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("hunter2"));

        const RedisOptions read = AppSettings().connectionOptions();
        QCOMPARE(read.transport, RedisOptions::Transport::Tls);
        QCOMPARE(read.host, QStringLiteral("example.com"));
        QCOMPARE(read.port, quint16(6380));
        QCOMPARE(read.db, 3);
        QCOMPARE(read.username, QStringLiteral("alice"));
        QCOMPARE(read.password, QString());
        QCOMPARE(read.tlsCaFile, QStringLiteral("/etc/ca.pem"));
        QVERIFY(!read.tlsVerifyPeer);
    }

    // Everything the profile holds comes back: socket paths with characters that mean
    // something in a URL, and the options that only the URL carries.
    void connectionProfileRoundTripsEveryOption()
    {
        RedisOptions unix;
        unix.transport = RedisOptions::Transport::UnixSocket;
        unix.host.clear();
        unix.port = 0;
        unix.unixSocketPath = QStringLiteral("/run/user/1000/my redis #2?.sock");
        unix.db = 7;
        unix.clientName = QStringLiteral("desk top");
        unix.connectTimeout = std::chrono::milliseconds(2500);
        RedisOptions tls;
        tls.transport = RedisOptions::Transport::Tls;
        tls.host = QStringLiteral("192.0.2.7");
        tls.tlsServerName = QStringLiteral("redis.example.org");
        tls.tlsCaFile = QStringLiteral("/etc/ssl/team ca.pem");
        for (const RedisOptions &options : {unix, tls}) {
            {
                AppSettings settings;
                settings.setConnectionOptions(options);
                settings.sync();
            }
            const RedisOptions read = AppSettings().connectionOptions();
            QCOMPARE(read.unixSocketPath, options.unixSocketPath);
            QCOMPARE(read.tlsServerName, options.tlsServerName);
            QCOMPARE(read.clientName, options.clientName);
            QCOMPARE(read.connectTimeout, options.connectTimeout);
            QCOMPARE(read.tlsCaFile, options.tlsCaFile);
            QVERIFY(read == options);
        }
    }

    // --- PreferencesDialog -----------------------------------------------------------------

    void preferencesPersistThemeFontAndTimestampFormat()
    {
        const QStringList families = QFontDatabase::families();
        QVERIFY(!families.isEmpty());
        PreferencesDialog dialog;
        QSignalSpy changed(&dialog, &PreferencesDialog::settingsChanged);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));

        auto *theme = child<QComboBox>(&dialog, "themeCombo");
        theme->setCurrentIndex(theme->findData(int(AppSettings::Theme::Dark)));
        auto *family = child<QFontComboBox>(&dialog, "fontFamilyCombo");
        const QString wanted =
            families.last() == family->currentFont().family() ? families.first() : families.last();
        family->setCurrentFont(QFont(wanted));
        const QString chosenFamily = family->currentFont().family();
        child<QSpinBox>(&dialog, "fontSizeSpin")->setValue(15);
        auto *format = child<QLineEdit>(&dialog, "timestampFormatEdit");
        format->clear();
        QTest::keyClicks(format, QStringLiteral("HH:mm:ss"));
        // The preview follows the typing, bracketed as in the log: a fixed sample time, 14:05:09.
        QVERIFY2(child<QLabel>(&dialog, "timestampPreview")
                     ->text()
                     .startsWith(QLatin1String("[14:05:09]")),
                 qPrintable(child<QLabel>(&dialog, "timestampPreview")->text()));
        child<QSpinBox>(&dialog, "scrollbackSpin")->setValue(2500);
        child<QCheckBox>(&dialog, "notificationsCheck")->setChecked(false);

        QTest::mouseClick(standardButton(dialog, QDialogButtonBox::Ok), Qt::LeftButton);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));

        const AppSettings settings;
        QCOMPARE(settings.theme(), AppSettings::Theme::Dark);
        QCOMPARE(settings.fontFamily(), chosenFamily);
        QCOMPARE(settings.fontSize(), 15);
        QCOMPARE(settings.timestampFormat(), QStringLiteral("HH:mm:ss"));
        QCOMPARE(settings.scrollbackRows(), 2500);
        QVERIFY(!settings.notificationsEnabled());

        // A new dialog starts from what was saved.
        PreferencesDialog again;
        QCOMPARE(child<QComboBox>(&again, "themeCombo")->currentData().toInt(),
                 int(AppSettings::Theme::Dark));
        QCOMPARE(child<QLineEdit>(&again, "timestampFormatEdit")->text(),
                 QStringLiteral("HH:mm:ss"));
        QCOMPARE(child<QSpinBox>(&again, "fontSizeSpin")->value(), 15);
    }

    void preferencesCancelWritesNothing()
    {
        PreferencesDialog dialog;
        QSignalSpy changed(&dialog, &PreferencesDialog::settingsChanged);
        auto *theme = child<QComboBox>(&dialog, "themeCombo");
        theme->setCurrentIndex(theme->findData(int(AppSettings::Theme::Light)));
        QVERIFY(dialog.setPrimaryKey(QStringLiteral("search"),
                                     QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F)));
        dialog.reject();
        QCOMPARE(changed.count(), 0);
        QCOMPARE(AppSettings().theme(), AppSettings::Theme::System);
        QVERIFY(!AppSettings().hasCustomKeys(QStringLiteral("search")));
    }

    void untouchedFontStaysTheSystemFont()
    {
        PreferencesDialog dialog;
        dialog.accept();
        QVERIFY(AppSettings().fontFamily().isEmpty());
        QCOMPARE(AppSettings().fontSize(), 0);
        // Defaults are not written out as overrides either.
        QVERIFY(!AppSettings().hasCustomKeys(QStringLiteral("quickSwitcher")));
    }

    void typedShortcutIsSaved()
    {
        PreferencesDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *edit = child<QKeySequenceEdit>(&dialog, "keyEdit_quickSwitcher");
        QCOMPARE(edit->keySequence(), QKeySequence(Qt::CTRL | Qt::Key_K));
        QTest::keyClick(edit, Qt::Key_J, Qt::ControlModifier);
        // QKeySequenceEdit finishes a second after the last key.
        QTRY_COMPARE(dialog.pendingKeys(QStringLiteral("quickSwitcher")),
                     QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_J)});
        QVERIFY(dialog.shortcutWarning().isEmpty());
        QVERIFY(child<QPushButton>(&dialog, "reset_quickSwitcher")->isEnabled());
        dialog.accept();
        QCOMPARE(AppSettings().keysFor(QStringLiteral("quickSwitcher")),
                 QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_J)});
    }

    void duplicateShortcutIsRefusedWithAWarning()
    {
        PreferencesDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.findChild<QTabWidget *>()->setCurrentIndex(2);
        auto *edit = child<QKeySequenceEdit>(&dialog, "keyEdit_search");
        QTest::keyClick(edit, Qt::Key_K, Qt::ControlModifier); // the quick switcher's
        QTRY_VERIFY(!dialog.shortcutWarning().isEmpty());
        const QString warning = dialog.shortcutWarning();
        QVERIFY2(
            warning.contains(QKeySequence(Qt::CTRL | Qt::Key_K).toString(QKeySequence::NativeText)),
            qPrintable(warning));
        QVERIFY2(
            warning.contains(ShortcutTable::find(QStringLiteral("quickSwitcher"))->description),
            qPrintable(warning));
        QVERIFY(child<QLabel>(&dialog, "shortcutWarning")->isVisible());
        // Refused: the edit shows the old keys again and nothing changes.
        QCOMPARE(edit->keySequence(), QKeySequence(Qt::CTRL | Qt::Key_F));
        // Leaving the edit (which finishes it again, unchanged) keeps the warning up.
        Q_EMIT edit->editingFinished();
        QCOMPARE(dialog.shortcutWarning(), warning);
        QCOMPARE(dialog.pendingKeys(QStringLiteral("search")),
                 QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_F)});
        dialog.accept();
        QVERIFY(!AppSettings().hasCustomKeys(QStringLiteral("search")));
        QCOMPARE(AppSettings().keysFor(QStringLiteral("quickSwitcher")),
                 QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_K)});
    }

    void secondaryBindingsCountAsTaken()
    {
        PreferencesDialog dialog;
        // Ctrl+Tab is nextChannel's third binding; Ctrl+Shift+Backtab is Ctrl+Backtab to a user.
        QVERIFY(
            !dialog.setPrimaryKey(QStringLiteral("search"), QKeySequence(Qt::CTRL | Qt::Key_Tab)));
        QVERIFY(!dialog.setPrimaryKey(QStringLiteral("search"),
                                      QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab)));
        QVERIFY(dialog.shortcutWarning().contains(
            ShortcutTable::find(QStringLiteral("previousChannel"))->description));
        // Taking a key an action already has as a secondary just promotes it.
        QVERIFY(dialog.setPrimaryKey(QStringLiteral("nextChannel"),
                                     QKeySequence(Qt::CTRL | Qt::Key_Tab)));
        QCOMPARE(dialog.pendingKeys(QStringLiteral("nextChannel")),
                 (QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_Tab),
                                      QKeySequence(Qt::CTRL | Qt::Key_PageDown)}));
        QVERIFY(dialog.shortcutWarning().isEmpty());
    }

    void keysThatTypeACharacterAreRefused()
    {
        PreferencesDialog dialog;
        QVERIFY(!dialog.setPrimaryKey(QStringLiteral("search"), QKeySequence(Qt::Key_F)));
        QVERIFY(
            !dialog.setPrimaryKey(QStringLiteral("search"), QKeySequence(Qt::SHIFT | Qt::Key_F)));
        QVERIFY(!dialog.shortcutWarning().isEmpty());
        QVERIFY(dialog.setPrimaryKey(QStringLiteral("search"), QKeySequence(Qt::Key_F3)));
        QVERIFY(dialog.setPrimaryKey(QStringLiteral("search"), QKeySequence(Qt::ALT | Qt::Key_F)));
    }

    void resetButtonRestoresTheDefault()
    {
        AppSettings().setKeysFor(QStringLiteral("search"), {QKeySequence(Qt::Key_F3)});
        PreferencesDialog dialog;
        auto *reset = child<QPushButton>(&dialog, "reset_search");
        QVERIFY(reset->isEnabled());
        QCOMPARE(child<QKeySequenceEdit>(&dialog, "keyEdit_search")->keySequence(),
                 QKeySequence(Qt::Key_F3));
        reset->click();
        QCOMPARE(dialog.pendingKeys(QStringLiteral("search")),
                 QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_F)});
        QVERIFY(!reset->isEnabled());
        dialog.accept();
        QVERIFY(!AppSettings().hasCustomKeys(QStringLiteral("search")));
    }

    void resetIsRefusedWhileAnotherActionHasTheDefault()
    {
        PreferencesDialog dialog;
        QVERIFY(dialog.setPrimaryKey(QStringLiteral("search"), QKeySequence(Qt::Key_F3)));
        QVERIFY(dialog.setPrimaryKey(QStringLiteral("quit"), QKeySequence(Qt::CTRL | Qt::Key_F)));
        QVERIFY(!dialog.resetKeys(QStringLiteral("search")));
        QVERIFY(dialog.shortcutWarning().contains(
            ShortcutTable::find(QStringLiteral("quit"))->description));
        child<QPushButton>(&dialog, "resetAllShortcuts")->click();
        QCOMPARE(dialog.pendingKeys(QStringLiteral("search")),
                 QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_F)});
        QCOMPARE(dialog.pendingKeys(QStringLiteral("quit")),
                 QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_Q)});
    }

    // --- ConnectionDialog ------------------------------------------------------------------

    void connectionDialogRejectsABadUrlInline()
    {
        ConnectionDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *url = child<QLineEdit>(&dialog, "urlEdit");
        auto *error = child<QLabel>(&dialog, "urlError");
        auto *ok = standardButton(dialog, QDialogButtonBox::Ok);
        auto *test = child<QPushButton>(&dialog, "testConnectionButton");
        QVERIFY(dialog.isValid());
        QVERIFY(!error->isVisible());

        url->clear();
        QTest::keyClicks(url, QStringLiteral("http://example.com"));
        QVERIFY(!dialog.isValid());
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QLatin1String("scheme")), qPrintable(error->text()));
        QVERIFY(!ok->isEnabled());
        QVERIFY(!test->isEnabled());

        url->setText(QStringLiteral("redis://example.com:70000"));
        QVERIFY(!dialog.isValid());
        QVERIFY(error->isVisible());

        url->setText(QStringLiteral("redis://example.com:6380/2"));
        QVERIFY(dialog.isValid());
        QVERIFY(!error->isVisible());
        QVERIFY(ok->isEnabled());
        QVERIFY(test->isEnabled());
    }

    void urlAndFieldsStayInStep()
    {
        ConnectionDialog dialog;
        child<QLineEdit>(&dialog, "urlEdit")
            ->setText(QStringLiteral("rediss://alice:pw@example.com:6380/2"));
        QCOMPARE(child<QLineEdit>(&dialog, "hostEdit")->text(), QStringLiteral("example.com"));
        QCOMPARE(child<QSpinBox>(&dialog, "portSpin")->value(), 6380);
        QCOMPARE(child<QSpinBox>(&dialog, "dbSpin")->value(), 2);
        QVERIFY(child<QGroupBox>(&dialog, "tlsGroup")->isChecked());
        QCOMPARE(child<QLineEdit>(&dialog, "usernameEdit")->text(), QStringLiteral("alice"));
        QCOMPARE(child<QLineEdit>(&dialog, "passwordEdit")->text(), QStringLiteral("pw"));
        QCOMPARE(child<QLineEdit>(&dialog, "passwordEdit")->echoMode(), QLineEdit::Password);

        // Editing the fields rewrites the URL, without user or password in it.
        dialog.findChild<QTabWidget *>()->setCurrentIndex(1);
        child<QSpinBox>(&dialog, "portSpin")->setValue(6381);
        QCOMPARE(child<QLineEdit>(&dialog, "urlEdit")->text(),
                 QStringLiteral("rediss://example.com:6381/2"));
        child<QLineEdit>(&dialog, "hostEdit")->clear();
        QVERIFY(!dialog.isValid());
        child<QLineEdit>(&dialog, "hostEdit")->setText(QStringLiteral("db.internal"));
        QVERIFY(dialog.isValid());

        const RedisOptions options = dialog.options();
        QCOMPARE(options.transport, RedisOptions::Transport::Tls);
        QCOMPARE(options.host, QStringLiteral("db.internal"));
        QCOMPARE(options.port, quint16(6381));
        QCOMPARE(options.db, 2);
        QCOMPARE(options.username, QStringLiteral("alice"));
        QCOMPARE(options.password, QStringLiteral("pw"));
        QVERIFY(options.tlsVerifyPeer);
    }

    void setOptionsShowsEveryField()
    {
        RedisOptions options;
        options.host = QStringLiteral("10.0.0.5");
        options.port = 7000;
        options.db = 4;
        options.username = QStringLiteral("bob");
        options.password = QStringLiteral("secret");
        options.transport = RedisOptions::Transport::Tls;
        options.tlsCaFile = QStringLiteral("/tmp/ca.pem");
        options.tlsVerifyPeer = false;
        options.connectTimeout = 1500ms;
        ConnectionDialog dialog;
        dialog.setOptions(options);
        const RedisOptions back = dialog.options();
        QCOMPARE(back.transport, options.transport);
        QCOMPARE(back.host, options.host);
        QCOMPARE(back.port, options.port);
        QCOMPARE(back.db, options.db);
        QCOMPARE(back.username, options.username);
        QCOMPARE(back.password, options.password);
        QCOMPARE(back.tlsCaFile, options.tlsCaFile);
        QCOMPARE(back.tlsVerifyPeer, options.tlsVerifyPeer);
        QCOMPARE(back.connectTimeout, options.connectTimeout);
        QCOMPARE(child<QLineEdit>(&dialog, "urlEdit")->text(),
                 QStringLiteral("rediss://10.0.0.5:7000/4"));
    }

    void testReportsTheServersErrorForAWrongPassword()
    {
        Test::RedisServerFixture::Config config;
        config.password = QStringLiteral("right-password");
        Test::RedisServerFixture server(config);
        QVERIFY2(server.start(), qPrintable(server.errorString()));

        RedisOptions options = server.options();
        options.password = QStringLiteral("wrong-password");
        ConnectionDialog dialog;
        dialog.setOptions(options);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);
        child<QPushButton>(&dialog, "testConnectionButton")->click();
        QVERIFY(dialog.isTesting());
        QCOMPARE(child<QLabel>(&dialog, "testStatus")->text(), ConnectionDialog::tr("Testing…"));
        QVERIFY(!child<QPushButton>(&dialog, "testConnectionButton")->isEnabled());

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, TestTimeoutMs);
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY2(dialog.testResult().contains(QLatin1String("WRONGPASS")),
                 qPrintable(dialog.testResult()));
        QVERIFY(child<QPushButton>(&dialog, "testConnectionButton")->isEnabled());
        saveScreenshot(&dialog, QStringLiteral("connection-wrong-password"));

        // The right password, from the same dialog.
        child<QLineEdit>(&dialog, "passwordEdit")->setText(QStringLiteral("right-password"));
        child<QPushButton>(&dialog, "testConnectionButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, TestTimeoutMs);
        QCOMPARE(finished.at(1).at(0).toBool(), true);
        const QString result = dialog.testResult();
        QVERIFY2(result.contains(QStringLiteral("Connected to 127.0.0.1:")
                                 + QString::number(server.port())),
                 qPrintable(result));
        QVERIFY2(result.contains(QLatin1String("(Redis ")), qPrintable(result));
        saveScreenshot(&dialog, QStringLiteral("connection-connected"));
    }

    // A cluster's nodes: the Cluster tab, the URL and the options say the same.
    void clusterNodesStayInStep()
    {
        ConnectionDialog dialog;
        RedisOptions options = *RedisOptions::fromUrl(QStringLiteral("redis://a:7001,b:7002"));
        options.username = QStringLiteral("app");
        dialog.setOptions(options);
        auto *tabs = dialog.findChild<QTabWidget *>();
        QCOMPARE(tabs->tabText(tabs->currentIndex()), ConnectionDialog::tr("Cluster"));
        auto *nodes = child<QLineEdit>(&dialog, "clusterNodesEdit");
        QCOMPARE(nodes->text(), QStringLiteral("a:7001, b:7002"));
        nodes->setText(QStringLiteral("a:7001, b:7002, c"));
        QCOMPARE(child<QLineEdit>(&dialog, "urlEdit")->text(),
                 QStringLiteral("redis://a:7001,b:7002,c:6379"));
        QCOMPARE(dialog.options().seeds().size(), 3);
        QCOMPARE(dialog.options().username, QStringLiteral("app"));
        nodes->setText(QStringLiteral("a:99999"));
        QVERIFY(!dialog.isValid());
        QVERIFY(child<QLabel>(&dialog, "clusterError")->isVisibleTo(&dialog));
        nodes->clear();
        QVERIFY2(dialog.validationError().contains(QLatin1String("host:port")),
                 qPrintable(dialog.validationError()));
    }

    // Sentinels, the master's name and the sentinels' own password, kept apart from the data
    // password and out of the URL.
    void sentinelFieldsStayInStep()
    {
        ConnectionDialog dialog;
        auto *tabs = dialog.findChild<QTabWidget *>();
        tabs->setCurrentIndex(3);
        QVERIFY(!dialog.isValid());
        child<QLineEdit>(&dialog, "sentinelsEdit")->setText(QStringLiteral("s1, s2:26380"));
        QVERIFY(!dialog.isValid());
        QVERIFY2(dialog.validationError().contains(QLatin1String("master")),
                 qPrintable(dialog.validationError()));
        child<QLineEdit>(&dialog, "sentinelMasterEdit")->setText(QStringLiteral("mymaster"));
        child<QLineEdit>(&dialog, "sentinelPasswordEdit")->setText(QStringLiteral("s-pw"));
        child<QLineEdit>(&dialog, "passwordEdit")->setText(QStringLiteral("data-pw"));
        QVERIFY2(dialog.isValid(), qPrintable(dialog.validationError()));
        QCOMPARE(child<QLineEdit>(&dialog, "urlEdit")->text(),
                 QStringLiteral("redis-sentinel://s1:26379,s2:26380#mymaster"));
        const RedisOptions options = dialog.options();
        QCOMPARE(options.sentinelMaster, QStringLiteral("mymaster"));
        QCOMPARE(options.sentinelPassword, QStringLiteral("s-pw"));
        QCOMPARE(options.password, QStringLiteral("data-pw"));
        QCOMPARE(options.seeds().size(), 2);

        ConnectionDialog again;
        again.setOptions(options);
        auto *againTabs = again.findChild<QTabWidget *>();
        QCOMPARE(againTabs->tabText(againTabs->currentIndex()), ConnectionDialog::tr("Sentinel"));
        QCOMPARE(again.options().sentinelPassword, QStringLiteral("s-pw"));
        QCOMPARE(child<QLineEdit>(&again, "sentinelsEdit")->text(),
                 QStringLiteral("s1:26379, s2:26380"));
    }

    // "Test connection" says what it found: the master the sentinels name.
    void testNamesTheSentinelsMaster()
    {
        Test::RedisSentinelFixture sentinels;
        QVERIFY2(sentinels.start(), qPrintable(sentinels.errorString()));
        ConnectionDialog dialog;
        dialog.setOptions(sentinels.options());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);
        dialog.testConnection();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, TestTimeoutMs);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(dialog.testResult()));
        QVERIFY2(dialog.testResult().contains(
                     QStringLiteral("Connected to Sentinel mymaster \u00b7 127.0.0.1:%1 (Redis ")
                         .arg(sentinels.node(0).port())),
                 qPrintable(dialog.testResult()));
        saveScreenshot(&dialog, QStringLiteral("connection-sentinel-connected"));
    }

    void testReportsConnectionRefused()
    {
        const quint16 port = closedPort();
        QVERIFY(port != 0);
        ConnectionDialog dialog;
        child<QLineEdit>(&dialog, "urlEdit")
            ->setText(QStringLiteral("redis://127.0.0.1:%1").arg(port));
        QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);
        dialog.testConnection();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, TestTimeoutMs);
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY2(dialog.testResult().contains(QLatin1String("refused"), Qt::CaseInsensitive),
                 qPrintable(dialog.testResult()));
    }

    void testDoesNotBlockTheWindow()
    {
        Test::RedisServerFixture server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        ConnectionDialog dialog;
        dialog.setOptions(server.options());
        server.pause(); // accepts the connection, never answers
        QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);
        dialog.testConnection();

        // The GUI thread keeps running its event loop while the test waits for the server.
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, this, [&ticks] { ++ticks; });
        timer.start(10);
        QTRY_VERIFY(ticks >= 20);
        QVERIFY(dialog.isTesting());
        QCOMPARE(finished.count(), 0);

        server.resume();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, TestTimeoutMs);
        QVERIFY2(dialog.testResult().contains(QLatin1String("Connected")),
                 qPrintable(dialog.testResult()));
    }

    void closingDuringATestIsSafe()
    {
        Test::RedisServerFixture server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        auto dialog = std::make_unique<ConnectionDialog>();
        dialog->setOptions(server.options());
        server.pause();
        dialog->testConnection();
        QVERIFY(dialog->isTesting());
        QElapsedTimer clock;
        clock.start();
        dialog.reset(); // stops the test thread; must neither hang nor crash
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        server.resume();
    }

    void everyWidgetHasAnAccessibleName()
    {
        PreferencesDialog preferences;
        QCOMPARE(unnamedWidgets(&preferences), QStringList());
        QVERIFY(!preferences.accessibleName().isEmpty());
        ConnectionDialog connection;
        QCOMPARE(unnamedWidgets(&connection), QStringList());
        QVERIFY(!connection.accessibleName().isEmpty());
        ShortcutsSheet sheet;
        QCOMPARE(unnamedWidgets(&sheet), QStringList());
        QVERIFY(!sheet.accessibleName().isEmpty());
    }

    // --- Themes and screenshots ------------------------------------------------------------

    void themesSetTheirPalettes()
    {
        const QColor systemWindow = QApplication::palette().color(QPalette::Window);
        Theme::apply(AppSettings::Theme::Dark);
        QCOMPARE(QApplication::palette().color(QPalette::Window), QColor(0x2b, 0x2b, 0x2b));
        QCOMPARE(QApplication::palette().color(QPalette::Base), QColor(0x1e, 0x1e, 0x1e));
        QCOMPARE(QApplication::palette().color(QPalette::Text), QColor(0xe6, 0xe6, 0xe6));
        QCOMPARE(QApplication::palette().color(QPalette::Highlight), QColor(0x3d, 0x7b, 0xd9));
        QVERIFY(QApplication::palette().color(QPalette::Disabled, QPalette::Text).lightness()
                < QApplication::palette().color(QPalette::Active, QPalette::Text).lightness());
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
        Theme::apply(AppSettings::Theme::Light);
        QCOMPARE(QApplication::palette().color(QPalette::Window),
                 Theme::lightPalette().color(QPalette::Window));
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 200);
        Theme::apply(AppSettings::Theme::System);
        QCOMPARE(QApplication::palette().color(QPalette::Window), systemWindow);
    }

    void screenshots()
    {
        AppSettings().setKeysFor(QStringLiteral("search"),
                                 {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F)});
        for (const auto &[theme, name] : {std::pair{AppSettings::Theme::Light, "light"},
                                          std::pair{AppSettings::Theme::Dark, "dark"}}) {
            Theme::apply(theme);
            const QString suffix = QLatin1String(name);
            {
                PreferencesDialog dialog;
                dialog.show();
                QVERIFY(QTest::qWaitForWindowExposed(&dialog));
                auto *tabs = dialog.findChild<QTabWidget *>();
                const QStringList pages{QStringLiteral("appearance"), QStringLiteral("messages"),
                                        QStringLiteral("shortcuts")};
                for (int i = 0; i < tabs->count(); ++i) {
                    tabs->setCurrentIndex(i);
                    if (i == 2) // show the refusal, as users will see it
                        dialog.setPrimaryKey(QStringLiteral("quit"),
                                             QKeySequence(Qt::CTRL | Qt::Key_K));
                    saveScreenshot(&dialog,
                                   QStringLiteral("preferences-%1-%2").arg(pages.at(i), suffix));
                }
            }
            {
                ConnectionDialog dialog;
                RedisOptions options;
                options.host = QStringLiteral("redis.example.com");
                options.username = QStringLiteral("alice");
                options.password = QStringLiteral("secret");
                dialog.setOptions(options);
                dialog.show();
                QVERIFY(QTest::qWaitForWindowExposed(&dialog));
                saveScreenshot(&dialog, QStringLiteral("connection-%1").arg(suffix));
                child<QLineEdit>(&dialog, "urlEdit")->setText(QStringLiteral("redis//oops"));
                child<QGroupBox>(&dialog, "tlsGroup")->setChecked(true);
                saveScreenshot(&dialog, QStringLiteral("connection-invalid-%1").arg(suffix));
            }
            {
                ConnectionDialog dialog;
                RedisOptions options = *RedisOptions::fromUrl(
                    QStringLiteral("redis-sentinel://10.0.0.1,10.0.0.2,10.0.0.3#mymaster"));
                options.password = QStringLiteral("secret");
                options.sentinelPassword = QStringLiteral("secret too");
                dialog.setOptions(options);
                dialog.show();
                QVERIFY(QTest::qWaitForWindowExposed(&dialog));
                saveScreenshot(&dialog, QStringLiteral("connection-sentinel-%1").arg(suffix));
                auto *tabs = dialog.findChild<QTabWidget *>();
                tabs->setCurrentIndex(2);
                child<QLineEdit>(&dialog, "clusterNodesEdit")
                    ->setText(QStringLiteral("10.0.0.1:7001, 10.0.0.2:7001, 10.0.0.3:7001"));
                saveScreenshot(&dialog, QStringLiteral("connection-cluster-%1").arg(suffix));
            }
            {
                ShortcutsSheet sheet;
                sheet.show();
                QVERIFY(QTest::qWaitForWindowExposed(&sheet));
                saveScreenshot(&sheet, QStringLiteral("shortcuts-sheet-%1").arg(suffix));
            }
        }
        Theme::apply(AppSettings::Theme::System);
    }

private:
    void saveScreenshot(QWidget *widget, const QString &name)
    {
        const QString path = screenshotDir() + u'/' + name + QStringLiteral(".png");
        // Layouts settle through posted events; a screenshot should show the settled state.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QVERIFY2(widget->grab().save(path), qPrintable(path));
    }

    IsolatedSettings m_settings;
};

QTEST_MAIN(tst_Dialogs)

#include "tst_Dialogs.moc"
