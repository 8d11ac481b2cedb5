#include "AppSettings.h"
#include "IsolatedSettings.h"
#include "PasswordStore.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace Confab;
using namespace Confab::Test;

class tst_PasswordStore : public QObject
{
    Q_OBJECT

    IsolatedSettings m_settings;

    static QString written(PasswordStore &store, const QString &account, const QString &password)
    {
        QSignalSpy finished(&store, &PasswordStore::writeFinished);
        store.write(account, password);
        if (!finished.wait(PasswordStore::TimeoutMs + 10000))
            return QStringLiteral("TEST: no answer at all");
        return finished.first().at(1).toString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_settings.isValid()); }

    void aPasswordIsKeptOrTheReasonIsGiven()
    {
        // A keychain may or may not run here (CI has no Secret Service); either way every call
        // ends, and what the keychain accepts it gives back.
        PasswordStore store;
        const QString account = QStringLiteral("redis://confab-test-%1@127.0.0.1:6379/0")
                                    .arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        const QString error = written(store, account, QStringLiteral("s3cret ünïcode"));
        QVERIFY(error != QStringLiteral("TEST: no answer at all"));
        QSignalSpy read(&store, &PasswordStore::readFinished);
        store.read(account);
        QVERIFY(read.wait(PasswordStore::TimeoutMs + 10000));
        QCOMPARE(read.first().at(0).toString(), account);
        if (!error.isEmpty()) {
            // Under tests/ui/with-keyring.sh there is one: then failing to use it is a failure.
            QVERIFY2(!qEnvironmentVariableIsSet("CONFAB_EXPECT_KEYCHAIN"), qPrintable(error));
            qInfo("no keychain here: %s", qPrintable(error));
            QVERIFY(!read.first().at(1).toBool());
            QVERIFY2(!read.first().at(3).toString().isEmpty(), "a failed read must say why");
            return;
        }
        QVERIFY(read.first().at(1).toBool());
        QCOMPARE(read.first().at(2).toString(), QStringLiteral("s3cret ünïcode"));

        // An empty password removes the entry.
        QCOMPARE(written(store, account, QString()), QString());
        read.clear();
        store.read(account);
        QVERIFY(read.wait(PasswordStore::TimeoutMs + 10000));
        QVERIFY(!read.first().at(1).toBool());
        QCOMPARE(read.first().at(3).toString(), QString());
    }

    void passwordsNeverReachTheSettingsFile()
    {
        RedisOptions options;
        options.host = QStringLiteral("redis.example.org");
        options.username = QStringLiteral("alice");
        options.password = QStringLiteral("hunter2-in-plain-text");
        {
            AppSettings settings;
            settings.setConnectionOptions(options);
            settings.sync();
            QVERIFY(settings.hasConnectionProfile());
            QVERIFY(!settings.passwordAccount().contains(QLatin1String("hunter2")));
            QVERIFY(settings.connectionOptions().password.isEmpty());
        }
        QFile file(IsolatedSettings::store().fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray stored = file.readAll();
        QVERIFY(stored.contains("redis.example.org"));
        QVERIFY(!stored.contains("hunter2"));
    }
};

QTEST_GUILESS_MAIN(tst_PasswordStore)
#include "tst_PasswordStore.moc"
