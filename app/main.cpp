#include "MainWindow.h"

#include "redis/RedisConnection.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QThread>

using namespace Confab;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Confab"));
    QApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));
    QApplication::setOrganizationName(QStringLiteral("Confab"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Desktop chat client for teams whose chat lives in Redis"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption urlOption(QStringLiteral("url"), QStringLiteral("Redis server URL (redis://, rediss://, unix://)."),
                                 QStringLiteral("url"));
    parser.addOption(urlOption);
    parser.process(app);

    QString error;
    const QString url = parser.isSet(urlOption) ? parser.value(urlOption)
                                                : qEnvironmentVariable("REDIS_URL", QStringLiteral("redis://127.0.0.1:6379"));
    const auto options = RedisOptions::fromUrl(url, &error);
    if (!options) {
        qCritical("confab: %s", qPrintable(error));
        return 2;
    }

    MainWindow window;
    window.show();

    // The connection lives in its own thread; the window only hears about it through signals.
    QThread redisThread;
    redisThread.setObjectName(QStringLiteral("redis"));
    auto *connection = new RedisConnection(*options);
    connection->moveToThread(&redisThread);
    QObject::connect(&redisThread, &QThread::finished, connection, &QObject::deleteLater);
    QObject::connect(connection, &RedisConnection::stateChanged, &window,
                     [&window, endpoint = options->endpoint()](RedisConnection::State state, const QString &reason) {
                         switch (state) {
                         case RedisConnection::State::Connected:
                             window.showConnectionState(QObject::tr("Connected to %1").arg(endpoint));
                             break;
                         case RedisConnection::State::Connecting:
                             window.showConnectionState(QObject::tr("Connecting to %1…").arg(endpoint));
                             break;
                         case RedisConnection::State::Reconnecting:
                         case RedisConnection::State::Disconnected:
                             window.showConnectionState(reason);
                             break;
                         }
                     });
    redisThread.start();
    QMetaObject::invokeMethod(connection, &RedisConnection::open, Qt::QueuedConnection);

    const int rc = app.exec();
    redisThread.quit();
    redisThread.wait();
    return rc;
}
