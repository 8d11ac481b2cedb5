#include "AppSettings.h"
#include "MainWindow.h"
#include "Theme.h"

#include "chat/ChatConfig.h"
#include "chat/NameRule.h"
#include "model/ChatSession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QMessageBox>
#include <QRegularExpression>
#include <QStandardPaths>

#include <cstdio>

using namespace Confab;

namespace {

// A name for a first start: the login name, made to fit the name rule.
QString defaultUserName()
{
    QString name = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    name.replace(QRegularExpression(QStringLiteral("[\\s{}*?\\[\\]\\\\]")), QStringLiteral("_"));
    return NameRule::isValid(name) ? name : QStringLiteral("guest");
}

int fail(const QString &message)
{
    std::fprintf(stderr, "confab: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Confab"));
    QApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));
    QApplication::setOrganizationName(QStringLiteral("Confab"));
    QApplication::setDesktopFileName(QStringLiteral("confab"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Desktop chat client for teams whose chat lives in Redis"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption urlOption(QStringLiteral("url"),
                                       QStringLiteral("Redis server: redis://[user:pass@]host:port/db, rediss://..., unix:///path."),
                                       QStringLiteral("url"));
    const QCommandLineOption userOption(QStringLiteral("user"), QStringLiteral("Your user name in the chat."), QStringLiteral("name"));
    const QCommandLineOption channelOption(QStringLiteral("channel"), QStringLiteral("Open this channel (joining it if needed)."),
                                           QStringLiteral("name"));
    parser.addOptions({urlOption, userOption, channelOption});
    parser.process(app);

    AppSettings settings;
    // Precedence: command line > environment > settings > defaults.
    ChatConfig config;
    config.redis = settings.connectionOptions();
    QString error;
    if (!config.applyEnvironment(QProcessEnvironment::systemEnvironment(), &error))
        return fail(error);
    if (parser.isSet(urlOption)) {
        const auto options = RedisOptions::fromUrl(parser.value(urlOption), &error);
        if (!options)
            return fail(error);
        config.redis = *options;
    }
    config.userName = parser.isSet(userOption) ? parser.value(userOption) : settings.userName();
    if (config.userName.isEmpty())
        config.userName = defaultUserName();
    const QString nameProblem = NameRule::check(config.userName, QStringLiteral("user name"));
    if (!nameProblem.isEmpty())
        return fail(nameProblem);
    settings.setUserName(config.userName);
    config.installSecret = settings.installSecret();
    config.outboxPath = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/outbox.json");

    Theme::apply(settings.theme());
    ChatSession session(config);
    MainWindow window(&session, &settings);
    window.show();

    QString wanted = parser.isSet(channelOption) ? NameRule::normalizedChannel(parser.value(channelOption)) : settings.lastChannel();
    if (!wanted.isEmpty()) {
        QObject::connect(&session, &ChatSession::ready, &window, [&window, wanted] { window.openChannel(wanted); },
                         Qt::SingleShotConnection);
    }
    session.start();
    return app.exec();
}
