#include "CliCommand.h"

#include "StdinReader.h"

#include "chat/RedisWorker.h"
#include "local/QuitSignalWatcher.h"
#include "model/PresenceDirectory.h"

#include <algorithm>
#include <chrono>

namespace Confab {

CliCommand::CliCommand(const CliOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_printer(options.json)
{
    m_timeout.setSingleShot(true);
    m_timeout.setTimerType(Qt::PreciseTimer); // "within 15 s" should not mean 14.3
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        fail(
            QStringLiteral("no answer from %1 within %2 s")
                .arg(m_options.config.redis.endpoint(), QString::number(m_options.timeoutSeconds)));
    });
}

CliCommand::~CliCommand() = default;

void CliCommand::start()
{
    m_worker = std::make_unique<RedisWorker>(m_options.config);
    connect(m_worker.get(), &RedisWorker::connectionStateChanged, this,
            &CliCommand::onConnectionStateChanged);
    connect(m_worker.get(), &RedisWorker::errorOccurred, this, &CliCommand::fail);
    // Another joined channel that is broken does not stop this command: said, not fatal.
    connect(m_worker.get(), &RedisWorker::channelFailed, this,
            [this](const QString &channel, const QString &message) {
                if (channel == m_options.channel)
                    fail(message);
                else
                    CliPrinter::printError(message);
            });
    // The worker always claims the user name; reading needs none, so only the commands that
    // write as the user fail when the name is taken or invalid.
    if (m_options.command == CliOptions::Command::Join
        || m_options.command == CliOptions::Command::Leave
        || m_options.command == CliOptions::Command::Send
        || m_options.command == CliOptions::Command::Direct) {
        connect(m_worker.get(), &RedisWorker::userRejected, this,
                [this](const QString &, const QString &error) { fail(error); });
    }
    m_worker->start();

    switch (m_options.command) {
    case CliOptions::Command::Channels:
        listChannels();
        break;
    case CliOptions::Command::Join:
        join();
        break;
    case CliOptions::Command::Leave:
        leave();
        break;
    case CliOptions::Command::Send:
        send();
        break;
    case CliOptions::Command::History:
        history();
        break;
    case CliOptions::Command::Tail:
        tail();
        break;
    case CliOptions::Command::Direct:
        directMessage();
        break;
    case CliOptions::Command::Who:
        who();
        break;
    case CliOptions::Command::Presence:
        setPresence();
        break;
    case CliOptions::Command::Users:
        listUsers();
        break;
    case CliOptions::Command::Stats:
        stats();
        break;
    }
}

void CliCommand::who()
{
    connect(m_worker.get(), &RedisWorker::displayNamesLoaded, this,
            [this](const QHash<QString, QString> &names) { m_displayNames.insert(names); });
    auto printIfComplete = [this] {
        if (!m_presenceWanted.isEmpty())
            return;
        // Online first, then away, then offline; by name within each.
        QStringList members = m_members;
        const auto rank = [this](const QString &account) {
            return PresenceDirectory::rank(m_presence.value(account).state);
        };
        std::stable_sort(members.begin(), members.end(),
                         [&rank](const QString &a, const QString &b) { return rank(a) < rank(b); });
        for (const QString &account : std::as_const(members)) {
            Presence presence = m_presence.value(account);
            presence.account = account;
            m_printer.print(presence, m_displayNames.value(account, account));
        }
        succeed();
    };
    connect(m_worker.get(), &RedisWorker::presenceChanged, this,
            [this, printIfComplete](const PresenceList &changes) {
                for (const Presence &presence : changes) {
                    m_presence.insert(presence.account, presence);
                    m_presenceWanted.remove(presence.account);
                }
                if (!m_members.isEmpty())
                    printIfComplete();
            });
    connect(m_worker.get(), &RedisWorker::membersListed, this,
            [this, printIfComplete](const QString &channel, const QStringList &members) {
                if (channel != m_options.channel || !m_members.isEmpty())
                    return;
                if (members.isEmpty()) {
                    fail(QStringLiteral("#%1 has no members (or does not exist)")
                             .arg(m_options.channel));
                    return;
                }
                m_members = members;
                std::sort(m_members.begin(), m_members.end());
                for (const QString &account : members) {
                    if (!m_presence.contains(account))
                        m_presenceWanted.insert(account);
                }
                printIfComplete();
            });
    waitForAnswer();
    m_worker->listMembers(m_options.channel);
}

void CliCommand::listUsers()
{
    connect(m_worker.get(), &RedisWorker::usersListed, this,
            [this](const AccountList &accounts, bool complete) {
                AccountList sorted = accounts;
                // Online first, then away, then offline; by account within each (as listed).
                std::stable_sort(sorted.begin(), sorted.end(),
                                 [](const AccountEntry &a, const AccountEntry &b) {
                                     return PresenceDirectory::rank(a.presence.state)
                                         < PresenceDirectory::rank(b.presence.state);
                                 });
                for (const AccountEntry &entry : std::as_const(sorted))
                    m_printer.print(entry.presence, entry.shownName());
                if (!complete)
                    CliPrinter::printError(
                        QStringLiteral("only the first %1 accounts are listed").arg(sorted.size()));
                succeed();
            });
    waitForAnswer();
    m_worker->listUsers();
}

void CliCommand::stats()
{
    connect(m_worker.get(), &RedisWorker::serverStatsRead, this, [this](const ServerStats &stats) {
        m_printer.print(stats);
        succeed();
    });
    waitForAnswer();
    m_worker->readServerStats();
}

void CliCommand::setPresence()
{
    const Presence::State state = Presence::stateFromName(m_options.presenceState);
    if (!m_options.hold) {
        connect(m_worker.get(), &RedisWorker::presenceSet, this, [this](const QString &error) {
            if (error.isEmpty())
                succeed();
            else
                fail(error);
        });
        waitForAnswer();
        m_worker->setPresence(state, m_options.status, m_options.presenceTtlSeconds * 1000);
        return;
    }
    // Held: renewed while this runs; a stop by signal takes it offline before exiting. A kill
    // that cannot be caught leaves it to expire (PresenceHeartbeat::DefaultTtl).
    auto *quitSignals = new QuitSignalWatcher(this);
    connect(quitSignals, &QuitSignalWatcher::quitRequested, this, [this] {
        connect(m_worker.get(), &RedisWorker::presenceSet, this, [this] { succeed(); });
        waitForAnswer();
        m_worker->setPresence(Presence::State::Offline, QString());
    });
    connect(m_worker.get(), &RedisWorker::presenceSet, this, [this](const QString &error) {
        if (!error.isEmpty())
            CliPrinter::printError(error);
    });
    m_worker->setPresence(state, m_options.status, -m_options.presenceTtlSeconds * 1000);
}

void CliCommand::directMessage()
{
    // Opened (and joined) first; what is sent goes there once it is.
    connect(m_worker.get(), &RedisWorker::channelJoined, this, [this](const ChannelInfo &info) {
        if (info.name != m_options.channel || m_sending)
            return;
        m_sending = true;
        send();
    });
    waitForAnswer();
    m_worker->openDirectChannel(m_options.peer);
}

void CliCommand::listChannels()
{
    connect(m_worker.get(), &RedisWorker::channelsListed, this,
            [this](const ChannelInfoList &channels) {
                for (const ChannelInfo &channel : channels)
                    m_printer.print(channel);
                succeed();
            });
    waitForAnswer();
    m_worker->listChannels();
}

void CliCommand::join()
{
    // Done once the lists have the channel, not only the log: on a cluster they are written
    // on other nodes, and exiting at "joined" could drop those writes on their way.
    connect(m_worker.get(), &RedisWorker::joinRecorded, this, [this](const QString &name) {
        if (name == m_options.channel)
            succeed();
    });
    waitForAnswer();
    // "join @bob" opens the direct conversation as "dm bob" does, telling bob of it.
    if (!m_options.peer.isEmpty())
        m_worker->openDirectChannel(m_options.peer);
    else
        m_worker->joinChannel(m_options.channel);
}

void CliCommand::leave()
{
    connect(m_worker.get(), &RedisWorker::leaveAnswered, this,
            [this](const QString &name, const QString &error) {
                if (name != m_options.channel)
                    return;
                if (!error.isEmpty())
                    fail(error);
                else
                    succeed();
            });
    waitForAnswer();
    m_worker->leaveChannel(m_options.channel);
}

void CliCommand::send()
{
    connect(m_worker.get(), &RedisWorker::sendFailed, this,
            [this](const QString &, const QByteArray &, const QString &error) { fail(error); });
    // Only this command sends, and each sendMessage() ends in exactly one messageSent or
    // sendFailed, so counting is enough to know when all were acknowledged.
    connect(m_worker.get(), &RedisWorker::messageSent, this, [this] {
        --m_unacknowledged;
        finishSendingIfAcknowledged();
    });
    if (!m_options.textFromStdin) {
        m_inputDone = true;
        sendText(m_options.text);
        return;
    }
    m_stdin = new StdinReader(this);
    connect(m_stdin, &StdinReader::lineRead, this, [this](const QString &line) {
        // Blank lines separate paragraphs in a file; they are not messages.
        if (!line.trimmed().isEmpty())
            sendText(line);
    });
    connect(m_stdin, &StdinReader::finished, this, [this] {
        m_inputDone = true;
        finishSendingIfAcknowledged();
    });
    connect(m_stdin, &StdinReader::failed, this, &CliCommand::fail);
    m_stdin->start();
}

void CliCommand::sendText(const QString &text)
{
    if (m_done)
        return;
    ++m_unacknowledged;
    if (!m_timeout.isActive())
        waitForAnswer();
    m_worker->sendMessage(m_options.channel, text);
}

void CliCommand::finishSendingIfAcknowledged()
{
    if (m_unacknowledged > 0) {
        waitForAnswer(); // the server is still answering: give the rest the full time again
        return;
    }
    if (m_inputDone) {
        succeed();
        return;
    }
    // Waiting for the next line of input, not for the server.
    m_timeout.stop();
}

void CliCommand::history()
{
    // The worker answers at most ChatConfig::catchUpPageSize entries per request, so a larger
    // --count is read page by page, newest first, and printed oldest first once complete.
    m_historyBefore = m_options.before;
    connect(m_worker.get(), &RedisWorker::historyLoaded, this,
            [this](const QString &channel, const ChatMessageList &messages, bool reachedStart) {
                if (channel != m_options.channel)
                    return;
                // A user who has joined the channel also gets the worker's newest page of it
                // once ready; that is no answer to "what lies before m_historyBefore".
                if (!m_historyBefore.isNull() && !messages.isEmpty()
                    && !(messages.last().id < m_historyBefore))
                    return;
                m_history = messages + m_history;
                if (!messages.isEmpty())
                    m_historyBefore = messages.first().id;
                if (reachedStart || messages.isEmpty() || m_history.size() >= m_options.count) {
                    for (const ChatMessage &message : std::as_const(m_history))
                        m_printer.print(message);
                    succeed();
                    return;
                }
                requestHistoryPage();
            });
    requestHistoryPage();
}

void CliCommand::requestHistoryPage()
{
    waitForAnswer();
    const int wanted = m_options.count - int(m_history.size());
    m_worker->loadOlder(m_options.channel, m_historyBefore,
                        std::min(wanted, m_options.config.catchUpPageSize));
}

void CliCommand::tail()
{
    // Without --since, watching starts with the newest page (historyLoaded), which is not
    // printed: only what arrives from now on is, and that comes as messagesReceived.
    connect(m_worker.get(), &RedisWorker::messagesReceived, this,
            [this](const QString &channel, const ChatMessageList &messages) {
                if (channel != m_options.channel)
                    return; // another channel this user has joined: the worker follows those too
                for (const ChatMessage &message : messages) {
                    if (!(m_hideFirstExpired && message.type == ChatMessage::Type::Expired))
                        m_printer.print(message);
                }
                m_hideFirstExpired = false;
                // The worker hands over what one pass of its event loop read: nothing more is
                // waiting now, so out it goes.
                CliPrinter::flush();
            });
    StreamId after;
    if (m_options.since) {
        after = *m_options.since;
        if (after.isNull()) {
            // "Everything": the worker reads from `after` only for a non-null id, and reports
            // an Expired marker because that id is not in the log; it never was.
            after = StreamId{0, 1};
            m_hideFirstExpired = true;
        }
    }
    m_worker->watchChannel(m_options.channel, after);
}

void CliCommand::onConnectionStateChanged(RedisConnection::State state, const QString &detail)
{
    using State = RedisConnection::State;
    switch (state) {
    case State::Disconnected: {
        // The worker also reports Disconnected, with no reason, while it opens its two
        // connections one after the other; only a connection that went down has a reason.
        const QString reason = !m_worker->commandConnection()->lastError().isEmpty()
            ? m_worker->commandConnection()->lastError()
            : m_worker->subscriberConnection()->lastError();
        // Only tail reconnects by itself, and even it gives up on what cannot get better
        // (a wrong password): either way, the job cannot be done any more.
        if (!reason.isEmpty())
            fail(reason);
        break;
    }
    case State::Reconnecting:
        if (!m_reconnecting)
            CliPrinter::printError(detail + QStringLiteral("; reconnecting"));
        m_reconnecting = true;
        break;
    case State::Connected:
        if (m_reconnecting)
            CliPrinter::printError(QStringLiteral("connected to %1 again").arg(detail));
        m_reconnecting = false;
        break;
    case State::Connecting:
        break;
    }
}

void CliCommand::waitForAnswer()
{
    if (m_options.timeoutSeconds > 0)
        m_timeout.start(std::chrono::milliseconds(qint64(m_options.timeoutSeconds * 1000)));
}

void CliCommand::fail(const QString &message)
{
    if (m_done)
        return;
    CliPrinter::printError(message);
    finish(1);
}

void CliCommand::finish(int exitCode)
{
    if (m_done)
        return;
    m_done = true;
    CliPrinter::flush();
    m_timeout.stop();
    if (m_stdin)
        m_stdin->disconnect(this);
    if (m_worker) {
        m_worker->disconnect(this);
        m_worker->stop();
    }
    Q_EMIT finished(exitCode);
}

} // namespace Confab
