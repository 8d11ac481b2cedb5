#include "AppSettings.h"
#include "IdentityDialog.h"
#include "InstallSecretStore.h"
#include "MainWindow.h"
#include "PasswordStore.h"
#include "Theme.h"

#include "chat/ChatConfig.h"
#include "chat/NameRule.h"
#include "local/AllocatorTuning.h"
#include "local/CommandLineSecrets.h"
#include "local/InstanceGuard.h"
#include "local/QuitSignalWatcher.h"
#include "local/SessionStarter.h"
#include "model/ChatSession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QIcon>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace Confab;

namespace {

// A name for a first start: the login name, made to fit the name rule.
QString defaultUserName()
{
    QString name = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    name.replace(QRegularExpression(QStringLiteral("[\\s{}*?\\[\\]\\\\]")), QStringLiteral("_"));
    return NameRule::isValid(name) ? name : QString();
}

int fail(const QString &message)
{
    std::fprintf(stderr, "confab: %s\n", qPrintable(message));
    return 2;
}

// What tells one profile from another: another settings file, server or user is another
// Confab, which may run beside this one.
QString profileKey(const AppSettings &settings, const QCommandLineParser &parser,
                   const QCommandLineOption &url, const QCommandLineOption &user)
{
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    QStringList parts{settings.location(), parser.value(url), parser.value(user)};
    for (const char *name : {"REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB"})
        parts << environment.value(QString::fromLatin1(name));
    return parts.join(u'\n');
}

QIcon applicationIcon()
{
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256, 512})
        icon.addFile(QStringLiteral(":/icons/confab-%1.png").arg(size), QSize(size, size));
    return icon;
}

} // namespace

int main(int argc, char *argv[])
{
    AllocatorTuning::apply();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Confab"));
    QApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));
    QApplication::setOrganizationName(QStringLiteral("Confab"));
    // Matches the installed .desktop file, so that docks and task bars group our windows there.
    QApplication::setDesktopFileName(QStringLiteral("io.github.confab_chat.Confab"));
    QApplication::setWindowIcon(applicationIcon());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Desktop chat client for teams whose chat lives in Redis"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption urlOption(
        QStringLiteral("url"),
        QStringLiteral(
            "Redis server: redis://[user:pass@]host:port/db, rediss://..., unix:///path."),
        QStringLiteral("url"));
    const QCommandLineOption userOption(QStringLiteral("user"),
                                        QStringLiteral("Your user name in the chat."),
                                        QStringLiteral("name"));
    const QCommandLineOption channelOption(
        QStringLiteral("channel"), QStringLiteral("Open this channel (joining it if needed)."),
        QStringLiteral("name"));
    parser.addOptions({urlOption, userOption, channelOption});
    parser.process(app);
    // A password in --url stays out of what ps shows (QCoreApplication kept its own copy).
    CommandLineSecrets::scrub(argc, argv);

    AppSettings settings;
    // Precedence: command line > environment > settings > defaults.
    ChatConfig config;
    config.redis = settings.connectionOptions();
    QString error;
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!config.applyEnvironment(environment, &error))
        return fail(error);
    if (parser.isSet(urlOption)) {
        const auto options = RedisOptions::fromUrl(parser.value(urlOption), &error);
        if (!options)
            return fail(error);
        config.redis = *options;
    }
    config.userName = parser.isSet(userOption) ? parser.value(userOption) : settings.userName();
    // A first start asks: a name taken silently from the login could be someone else's on a
    // shared server, and it can never change afterwards.
    const bool askForAccount = config.userName.isEmpty();
    if (!askForAccount) {
        const QString nameProblem = NameRule::check(config.userName, QStringLiteral("user name"));
        if (!nameProblem.isEmpty())
            return fail(nameProblem);
    }
    const QString wanted = parser.isSet(channelOption)
        ? NameRule::normalizedChannel(parser.value(channelOption))
        : QString();
    const bool serverChosen = parser.isSet(urlOption)
        || ChatConfig::environmentNamesServer(environment) || settings.hasConnectionProfile();

    // A second start of the same profile hands its channel to the running window and ends.
    InstanceGuard guard(profileKey(settings, parser, urlOption, userOption));
    bool handedOver = false;
    {
        QEventLoop claiming;
        QObject::connect(&guard, &InstanceGuard::primary, &claiming, &QEventLoop::quit);
        QObject::connect(&guard, &InstanceGuard::handedOver, &claiming, [&] {
            handedOver = true;
            claiming.quit();
        });
        guard.claim(QJsonDocument(QJsonObject{{QStringLiteral("channel"), wanted}})
                        .toJson(QJsonDocument::Compact));
        claiming.exec();
    }
    if (handedOver)
        return 0;

    if (askForAccount) {
        Theme::apply(settings.theme());
        IdentityDialog welcome(defaultUserName());
        if (welcome.exec() != QDialog::Accepted)
            return 0;
        config.userName = welcome.accountName();
        config.displayName = welcome.displayName();
    }
    settings.setUserName(config.userName);
    const QString dataDirectory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    config.outboxPath = dataDirectory + QStringLiteral("/outbox.json");

    Theme::apply(settings.theme());
    auto session = std::make_unique<ChatSession>(config);
    auto window = std::make_unique<MainWindow>(session.get(), &settings);
    window->show();

    const QString opening = wanted.isEmpty() ? settings.lastChannel() : wanted;
    if (!opening.isEmpty()) {
        QObject::connect(
            session.get(), &ChatSession::ready, window.get(),
            [&window, opening] { window->openChannel(opening); }, Qt::SingleShotConnection);
    }
    QObject::connect(&guard, &InstanceGuard::requestReceived, window.get(),
                     [&window](const QByteArray &request) {
                         window->bringToFront();
                         const QString channel = QJsonDocument::fromJson(request)
                                                     .object()
                                                     .value(QStringLiteral("channel"))
                                                     .toString();
                         if (!channel.isEmpty())
                             window->openChannel(channel);
                     });

    // A logout or `kill` closes the window as the Quit action does.
    QuitSignalWatcher quitSignals;
    QObject::connect(&quitSignals, &QuitSignalWatcher::quitRequested, window.get(),
                     [&window] { window->quitNow(); });

    SessionStarter starter(session.get(), dataDirectory + QStringLiteral("/redis"));
    QObject::connect(&starter, &SessionStarter::notice, window.get(),
                     [&window](const QString &text) { window->showNotice(text, true); });
    QObject::connect(&starter, &SessionStarter::privateServerStarted, window.get(),
                     [&window](const QString &where) { window->showPrivateServerNotice(where); });
    // The install secret and a saved profile's password may be in the keychain: both are
    // fetched (without blocking) before connecting, the secret first.
    InstallSecretStore secrets(&settings);
    const bool passwordFromKeychain = settings.hasConnectionProfile() && !parser.isSet(urlOption)
        && !ChatConfig::environmentNamesServer(environment) && config.redis.password.isEmpty();
    PasswordStore passwords;
    PasswordStore sentinelPasswords;
    const auto startConnecting = [&] {
        if (passwordFromKeychain)
            passwords.read(settings.passwordAccount());
        else
            starter.start(serverChosen);
    };
    QObject::connect(&secrets, &InstallSecretStore::ready, window.get(),
                     [&](const QByteArray &secret, const QString &problem) {
                         if (secret.isEmpty()) {
                             window->showNotice(problem, true);
                             return;
                         }
                         session->setInstallSecret(secret);
                         startConnecting();
                     });
    if (passwordFromKeychain) {
        QObject::connect(
            &passwords, &PasswordStore::readFinished, window.get(),
            [&](const QString &, bool found, const QString &password, const QString &problem) {
                if (found) {
                    RedisOptions options = session->redisOptions();
                    options.password = password;
                    session->setServer(options);
                } else if (!problem.isEmpty()) {
                    window->showNotice(
                        QApplication::translate("main",
                                                "The saved password could not be read "
                                                "from the keychain: %1")
                            .arg(problem),
                        true);
                }
                // A Sentinel profile has a second secret: the sentinels' own password.
                const RedisOptions options = session->redisOptions();
                if (!options.sentinelMaster.isEmpty() && options.sentinelPassword.isEmpty())
                    sentinelPasswords.read(settings.sentinelPasswordAccount());
                else
                    starter.start(serverChosen);
            });
        QObject::connect(
            &sentinelPasswords, &PasswordStore::readFinished, window.get(),
            [&](const QString &, bool found, const QString &password, const QString &) {
                if (found) {
                    RedisOptions options = session->redisOptions();
                    options.sentinelPassword = password;
                    session->setServer(options);
                }
                starter.start(serverChosen);
            });
    }
    secrets.load();
    const int status = app.exec();

    // The chat's connections go first, then the private server is released (and shut down if
    // no other Confab uses it), bounded in time so that quitting never hangs.
    window.reset();
    session.reset();
    QEventLoop finishing;
    QObject::connect(&starter, &SessionStarter::finished, &finishing, &QEventLoop::quit);
    QTimer::singleShot(15000, &finishing, &QEventLoop::quit);
    starter.finish();
    if (starter.usesPrivateServer())
        finishing.exec();
    return status;
}
