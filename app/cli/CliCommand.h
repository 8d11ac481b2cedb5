#pragma once

#include "CliOptions.h"
#include "CliPrinter.h"

#include "chat/ChatMessage.h"
#include "redis/RedisConnection.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>

namespace Confab {

class RedisWorker;
class StdinReader;

// Runs one confab-cli command against a RedisWorker living in this (the main) thread, and
// ends with finished(exit code): 0 when done, 1 after one line on stderr saying what failed.
// Anything the worker reports as going wrong before the command is done is a failure: an
// error, a rejected user name, a failed send, or the connection going down.
class CliCommand : public QObject
{
    Q_OBJECT
public:
    explicit CliCommand(const CliOptions &options, QObject *parent = nullptr);
    ~CliCommand() override;

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void listChannels();
    void join();
    void leave();
    void send();
    void history();
    void requestHistoryPage();
    void tail();
    void directMessage();
    void who();
    void setPresence();
    void listUsers();
    void stats();

    void sendText(const QString &text);
    void finishSendingIfAcknowledged();
    void onConnectionStateChanged(RedisConnection::State state, const QString &detail);
    void waitForAnswer();
    void succeed() { finish(0); }
    void fail(const QString &message);
    void finish(int exitCode);

    const CliOptions m_options;
    CliPrinter m_printer;
    QTimer m_timeout;
    bool m_done = false;
    // send
    StdinReader *m_stdin = nullptr;
    bool m_inputDone = false;
    int m_unacknowledged = 0;
    bool m_sending = false; // dm: the conversation is open, sending has begun
    // history: what was read so far (ascending) and where the next page ends
    ChatMessageList m_history;
    StreamId m_historyBefore;
    // tail
    bool m_reconnecting = false;
    bool m_hideFirstExpired = false;
    // who: the members still without a presence report, and what was learnt
    QSet<QString> m_presenceWanted;
    QStringList m_members;
    QHash<QString, Presence> m_presence;
    QHash<QString, QString> m_displayNames;
    // Last, so it goes first: its signals reach the members above.
    std::unique_ptr<RedisWorker> m_worker;
};

} // namespace Confab
