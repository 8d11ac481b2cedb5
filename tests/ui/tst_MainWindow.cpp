#include "IdentityDialog.h"
#include "IsolatedSettings.h"
#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "AppSettings.h"
#include "AttentionNotifier.h"
#include "ChannelDelegate.h"
#include "ColorContrast.h"
#include "ConnectionDialog.h"
#include "ConnectionStatus.h"
#include "ElidedLabel.h"
#include "JoinChannelDialog.h"
#include "MainWindow.h"
#include "MessageInput.h"
#include "MessageLogView.h"
#include "NoticeBar.h"
#include "PeopleDialog.h"
#include "PlainText.h"
#include "QuickSwitcher.h"
#include "SearchBar.h"
#include "ServerOverviewDock.h"
#include "ShortcutsSheet.h"
#include "Theme.h"
#include "UnreadBadgeIcon.h"
#include "UserCard.h"

#include "model/ChannelListModel.h"
#include "model/ChatSession.h"
#include "model/MemberListModel.h"
#include "model/MessageLogModel.h"
#include "model/TypingTracker.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDeadlineTimer>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QTreeView>

using namespace Confab;
using namespace Confab::Test;

namespace {

// What a label shows, without the invisible isolates that keep names and topics from
// reordering the text around them.
QString shown(QString text)
{
    text.remove(QChar(0x2068));
    text.remove(QChar(0x2069));
    return text;
}

// One user's whole client: session, settings and window, as the app wires them.
struct Client
{
    Client(const RedisServerFixture &server, const QString &user)
        : Client(ThreadedWorker::configFor(server, user))
    { }

    explicit Client(const ChatConfig &config)
        : session(config)
        , window(&session, &settings)
    {
        window.resize(1000, 640);
        window.show();
        session.start();
    }

    bool waitReady()
    {
        return QTest::qWaitFor([this] { return session.isReady(); }, 20000);
    }

    void type(const QString &text)
    {
        window.input()->setFocus();
        window.input()->setPlainText(text);
        QTest::keyClick(window.input(), Qt::Key_Return);
    }

    bool waitCurrent(const QString &channel)
    {
        return QTest::qWaitFor([this, channel] { return window.currentChannel() == channel; },
                               20000);
    }

    bool waitJoined(const QString &channel)
    {
        return QTest::qWaitFor(
            [this, channel] { return session.channels()->indexOf(channel) >= 0; }, 20000);
    }

    // The ordinary messages the server has (not mine still on their way).
    QStringList texts(const QString &channel) const
    {
        QStringList out;
        MessageLogModel *log = session.log(channel);
        for (int row = 0; log && row < log->rowCount(); ++row) {
            const QModelIndex index = log->index(row);
            if (index.data(MessageLogModel::TypeRole).toInt() == int(ChatMessage::Type::Message)
                && index.data(MessageLogModel::DeliveryRole).value<MessageLogModel::Delivery>()
                    == MessageLogModel::Delivery::Delivered)
                out << index.data(MessageLogModel::TextRole).toString();
        }
        return out;
    }

    int unread(const QString &channel) const
    {
        const int row = session.channels()->indexOf(channel);
        return row < 0 ? -1
                       : session.channels()->index(row).data(ChannelListModel::UnreadRole).toInt();
    }

    void press(const QKeySequence &keys)
    {
        QApplication::setActiveWindow(&window);
        QTest::keySequence(&window, keys);
    }

    AppSettings settings;
    ChatSession session;
    MainWindow window;
};

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_settings.isValid(), qPrintable(IsolatedSettings::store().fileName()));
        QCoreApplication::setOrganizationName(QStringLiteral("ConfabTest"));
        QCoreApplication::setApplicationName(QStringLiteral("Confab"));
        QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void init()
    {
        IsolatedSettings::store().clear();
        QVERIFY(m_server->command({"FLUSHALL"}).isOk());
    }

    void theStatusBarNamesTheServerWhenNotConnected()
    {
        ConnectionStatus status;
        status.setServer(QStringLiteral("redis.example.org:6379"));
        status.setConnectionState(RedisConnection::State::Disconnected, QString());
        QCOMPARE(status.connectionText(),
                 QStringLiteral("Not connected to redis.example.org:6379"));
        status.setConnectionState(RedisConnection::State::Disconnected,
                                  QStringLiteral("WRONGPASS invalid username-password pair"));
        QCOMPARE(status.connectionText(),
                 QStringLiteral("Not connected to redis.example.org:6379: WRONGPASS invalid "
                                "username-password pair"));
        // A reason that names the server already does not name it twice.
        status.setConnectionState(RedisConnection::State::Disconnected,
                                  QStringLiteral("redis.example.org:6379: Connection refused"));
        QCOMPARE(status.connectionText(),
                 QStringLiteral("Not connected to redis.example.org:6379: Connection refused"));
        status.setConnectionState(RedisConnection::State::Reconnecting,
                                  QStringLiteral("redis.example.org:6379: Connection refused"));
        QCOMPARE(status.connectionText(),
                 QStringLiteral("Reconnecting to redis.example.org:6379: Connection refused"));
    }

    void aFirstStartSaysWhatToDo()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        // Before the server answers, and after: never a blank topic and log.
        QVERIFY(!alice.window.topicLabel()->fullText().isEmpty());
        QVERIFY(!alice.window.logView()->placeholderText().isEmpty());
        QVERIFY(alice.waitReady());
        QTRY_COMPARE(alice.window.topicLabel()->fullText(),
                     QStringLiteral("Join a channel with + or /join NAME"));
        QVERIFY(alice.window.logView()->placeholderText().contains(QStringLiteral("/join NAME")));
        QVERIFY(alice.window.logView()->placeholderText().contains(
            QKeySequence(Qt::CTRL | Qt::Key_N).toString(QKeySequence::NativeText)));
    }

    void typingJoinCreatesAndOpensTheChannel()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join dev"));
        QVERIFY(alice.waitCurrent(QStringLiteral("dev")));
        QVERIFY(alice.window.topicLabel()->fullText().contains(QStringLiteral("#dev")));
        QVERIFY(alice.window.windowTitle().contains(QStringLiteral("#dev")));
        QCOMPARE(shown(alice.window.windowTitle()), QStringLiteral("#dev — Confab"));
        QCOMPARE(alice.window.logView()->logModel(), alice.session.log(QStringLiteral("dev")));
        QCOMPARE(m_server->command({"SISMEMBER", "channel:index", "dev"}).toInteger(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.window.status()->connectionText().startsWith(QStringLiteral("Connected")), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(alice.window.status()->subscriptionText(), QStringLiteral("Live"),
                                  20000);
        QVERIFY(shown(alice.window.status()->channelText()).contains(QStringLiteral("#dev")));
        // The member count follows the member list, which arrives after the channel opens.
        QTRY_COMPARE_WITH_TIMEOUT(shown(alice.window.status()->channelText()),
                                  QStringLiteral("#dev · 1 member"), 20000);
        Client bob(*m_server, QStringLiteral("bob"));
        QVERIFY(bob.waitReady());
        bob.type(QStringLiteral("/join dev"));
        QTRY_COMPARE_WITH_TIMEOUT(shown(alice.window.status()->channelText()),
                                  QStringLiteral("#dev · 2 members"), 20000);
    }

    void sentMessageAppearsInAnotherClientsWindow()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        Client bob(*m_server, QStringLiteral("bob"));
        QVERIFY(alice.waitReady() && bob.waitReady());
        alice.type(QStringLiteral("/join lobby"));
        bob.type(QStringLiteral("/join lobby"));
        QVERIFY(alice.waitCurrent(QStringLiteral("lobby"))
                && bob.waitCurrent(QStringLiteral("lobby")));
        alice.type(QStringLiteral("hello bob"));
        QTRY_COMPARE_WITH_TIMEOUT(bob.texts(QStringLiteral("lobby")),
                                  QStringList{QStringLiteral("hello bob")}, 20000);
        QCOMPARE(bob.window.logView()->model()->rowCount() > 0, true);
        // The input is cleared and remembered.
        QVERIFY(alice.window.input()->toPlainText().isEmpty());
        QVERIFY(alice.window.input()->history().contains(QStringLiteral("hello bob")));
    }

    void whatISendShowsAtOnceAndOnceOnly()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join outbox"));
        QVERIFY(alice.waitCurrent(QStringLiteral("outbox")));
        QTRY_VERIFY_WITH_TIMEOUT(alice.session.isLive(QStringLiteral("outbox")), 20000);
        MessageLogModel *log = alice.session.log(QStringLiteral("outbox"));

        // Shown before the server has it (nothing has run the event loop since the Enter).
        alice.type(QStringLiteral("first"));
        QCOMPARE(log->pendingCount(), 1);
        QCOMPARE(log->messageAt(log->rowCount() - 1).text, QStringLiteral("first"));
        QTRY_COMPARE_WITH_TIMEOUT(log->pendingCount(), 0, 20000);
        QCOMPARE(alice.texts(QStringLiteral("outbox")), QStringList{QStringLiteral("first")});

        // Offline it stays there, greyed, while the outbox holds it; back online it goes out
        // and is shown once.
        m_server->stop();
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.session.connectionState() != RedisConnection::State::Connected, 20000);
        alice.type(QStringLiteral("while offline"));
        QCOMPARE(log->pendingCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(alice.window.status()->outboxText(),
                                  QStringLiteral("1 message waiting to be sent"), 20000);
        QCOMPARE(log->pendingCount(), 1);
        QVERIFY(m_server->restart());
        QTRY_COMPARE_WITH_TIMEOUT(log->pendingCount(), 0, 30000);
        QCOMPARE(alice.texts(QStringLiteral("outbox")),
                 (QStringList{QStringLiteral("first"), QStringLiteral("while offline")}));
        QTRY_COMPARE_WITH_TIMEOUT(alice.window.status()->outboxText(), QString(), 20000);

        // One the protocol would refuse is not sent at all: it stays in the input, to be
        // shortened (aTooLongMessageStaysInTheInput).
        alice.type(QStringLiteral("x").repeated(40 * 1024));
        QCOMPARE(log->pendingCount(), 0);
        QCOMPARE(alice.window.input()->toPlainText().size(), 40 * 1024);
    }

    void originalCommandsWork()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join one"));
        QVERIFY(alice.waitCurrent(QStringLiteral("one")));
        alice.type(QStringLiteral("/send via send"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("one")),
                                  QStringList{QStringLiteral("via send")}, 20000);
        alice.type(QStringLiteral("/channels"));
        QTRY_VERIFY_WITH_TIMEOUT(alice.window.noticeBar()->text().contains(QStringLiteral("#one")),
                                 20000);
        QVERIFY(alice.window.noticeBar()->text().startsWith(
            QStringLiteral("1 channel (click one to open it):\n")));
        QVERIFY(alice.window.noticeBar()->text().contains(QStringLiteral("#one — 1 member")));
        alice.type(QStringLiteral("/me waves"));
        QTRY_VERIFY_WITH_TIMEOUT(alice.session.log(QStringLiteral("one"))->rowCount() >= 3, 20000);
        alice.type(QStringLiteral("/topic Testing topics"));
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.window.topicLabel()->fullText().contains(QStringLiteral("Testing topics")),
            20000);
        alice.type(QStringLiteral("/help"));
        QVERIFY(alice.window.noticeBar()->text().contains(QStringLiteral("/join NAME")));
        alice.type(QStringLiteral("/leave"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.session.channels()->indexOf(QStringLiteral("one")), -1,
                                  20000);
        QTRY_COMPARE(alice.window.currentChannel(), QString());
    }

    void nickChangesTheDisplayNameAndEverythingStaysWithThePerson()
    {
        auto bob = std::make_unique<Client>(*m_server, QStringLiteral("bob"));
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady() && bob->waitReady());
        QCOMPARE(shown(bob->window.identityButton()->text()), QStringLiteral("bob"));
        bob->type(QStringLiteral("/join random"));
        QVERIFY(bob->waitCurrent(QStringLiteral("random")));
        alice.type(QStringLiteral("/join random"));
        QVERIFY(alice.waitCurrent(QStringLiteral("random")));
        alice.type(QStringLiteral("/msg bob hi bob"));
        const QString dm =
            ChatSession::directChannel(QStringLiteral("alice"), QStringLiteral("bob"));
        QVERIFY(bob->waitJoined(dm));

        bob->type(QStringLiteral("/nick Robert Paulson"));
        QTRY_COMPARE_WITH_TIMEOUT(shown(bob->window.identityButton()->text()),
                                  QStringLiteral("Robert Paulson (bob)"), 20000);
        // Everyone follows; the account stays the member, with no ghost beside it.
        MemberListModel *members = alice.session.members(QStringLiteral("random"));
        QTRY_COMPARE_WITH_TIMEOUT(members->index(members->indexOf(QStringLiteral("bob")))
                                      .data(Qt::DisplayRole)
                                      .toString(),
                                  QStringLiteral("Robert Paulson (bob)"), 20000);
        QCOMPARE(members->members(), (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}));
        QCOMPARE(m_server->command({"SCARD", "channel:{random}:members"}).toInteger(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(alice.session.displayName(dm), QStringLiteral("Robert Paulson"),
                                  20000);
        // A name that cannot be one is refused, and the input keeps what was typed.
        bob->type(QStringLiteral("/nick ") + QString(65, u'x'));
        QVERIFY(bob->window.noticeBar()->text().contains(QStringLiteral("too long")));
        bob->window.openChannel(QStringLiteral("random"));
        QVERIFY(bob->waitCurrent(QStringLiteral("random")));
        // Looking at it (his window in front) reads it; marks are written once a second.
        QApplication::setActiveWindow(&bob->window);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->command({"HEXISTS", "user:{bob}:read", "random"}).toInteger() == 1, 20000);
        bob.reset();

        // While he is away, alice writes to him in both.
        alice.window.openChannel(QStringLiteral("random"));
        QVERIFY(alice.waitCurrent(QStringLiteral("random")));
        alice.type(QStringLiteral("while you were away"));
        alice.type(QStringLiteral("/msg bob are you there?"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(dm).size(), 2, 20000);

        // Back, as the same account: everything is his, under the same display name.
        Client again(*m_server, QStringLiteral("bob"));
        QVERIFY(again.waitReady());
        QTRY_COMPARE_WITH_TIMEOUT(shown(again.window.identityButton()->text()),
                                  QStringLiteral("Robert Paulson (bob)"), 20000);
        QVERIFY(again.waitJoined(QStringLiteral("random")) && again.waitJoined(dm));
        // Whichever of the two is not open shows what came while he was away.
        QTRY_VERIFY_WITH_TIMEOUT(!again.window.currentChannel().isEmpty(), 20000);
        const QString notOpen = again.window.currentChannel() == dm ? QStringLiteral("random") : dm;
        QTRY_COMPARE_WITH_TIMEOUT(again.unread(notOpen), notOpen == dm ? 2 : 1, 20000);
        again.window.openChannel(QStringLiteral("random"));
        QVERIFY(again.waitCurrent(QStringLiteral("random")));
        again.type(QStringLiteral("back"));
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.texts(QStringLiteral("random")).contains(QStringLiteral("back")), 20000);
        MessageLogModel *log = alice.session.log(QStringLiteral("random"));
        QCOMPARE(log->index(log->rowCount() - 1).data(MessageLogModel::AuthorRole).toString(),
                 QStringLiteral("Robert Paulson"));
        QCOMPARE(log->index(log->rowCount() - 1).data(MessageLogModel::AccountRole).toString(),
                 QStringLiteral("bob"));
    }

    void aTakenAccountAsksAgainAndNothingIsADeadEnd()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        ChatConfig config = ThreadedWorker::configFor(*m_server, QStringLiteral("alice"));
        config.installSecret = "another install";
        // The dialog runs modally; a timer in its loop answers it.
        bool asked = false;
        QString prefilled;
        QTimer answer;
        QObject::connect(&answer, &QTimer::timeout, [&] {
            for (QWidget *widget : QApplication::topLevelWidgets()) {
                auto *dialog = qobject_cast<IdentityDialog *>(widget);
                if (dialog && dialog->isVisible()) {
                    asked = true;
                    prefilled = dialog->accountName();
                    dialog->reject(); // "Not now"
                }
            }
        });
        answer.start(20);
        Client impostor(config);
        QTRY_VERIFY_WITH_TIMEOUT(asked, 20000);
        QCOMPARE(prefilled, QStringLiteral("alice")); // as typed, nothing appended
        QTRY_COMPARE_WITH_TIMEOUT(shown(impostor.window.identityButton()->text()),
                                  QStringLiteral("Not signed in"), 20000);
        QVERIFY(impostor.window.noticeBar()->text().contains(QStringLiteral("not signed in")));
        // Nothing is held back silently: /join says what is missing.
        impostor.type(QStringLiteral("/join dev"));
        QVERIFY2(impostor.window.noticeBar()->text().contains(QStringLiteral("/nick NAME")),
                 qPrintable(impostor.window.noticeBar()->text()));
        QCOMPARE(m_server->command({"EXISTS", "channel:{dev}:log"}).toInteger(), 0);
        // /nick chooses another account, and then everything works.
        impostor.type(QStringLiteral("/nick alice2"));
        QTRY_VERIFY_WITH_TIMEOUT(impostor.session.isReady(), 20000);
        QCOMPARE(impostor.session.userName(), QStringLiteral("alice2"));
        QTRY_COMPARE_WITH_TIMEOUT(shown(impostor.window.identityButton()->text()),
                                  QStringLiteral("alice2"), 20000);
        impostor.type(QStringLiteral("/join dev"));
        QVERIFY(impostor.waitCurrent(QStringLiteral("dev")));
    }

    void directMessagesOpenAConversation()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        Client bob(*m_server, QStringLiteral("bob"));
        QVERIFY(alice.waitReady() && bob.waitReady());
        bob.type(QStringLiteral("/join lobby"));
        QVERIFY(bob.waitCurrent(QStringLiteral("lobby")));
        alice.type(QStringLiteral("/msg bob psst"));
        const QString dm =
            ChatSession::directChannel(QStringLiteral("alice"), QStringLiteral("bob"));
        QVERIFY(alice.waitCurrent(dm));
        QVERIFY(bob.waitJoined(dm));
        QTRY_COMPARE_WITH_TIMEOUT(bob.texts(dm), QStringList{QStringLiteral("psst")}, 20000);
        QCOMPARE(bob.session.displayName(dm), QStringLiteral("alice"));
        QTRY_COMPARE_WITH_TIMEOUT(bob.unread(dm), 1, 20000);
        QCOMPARE(m_server->command({"SISMEMBER", "channel:index", dm.toUtf8()}).toInteger(), 0);
        // Shown as the other person everywhere, never as the key.
        const QModelIndex row =
            alice.session.channels()->index(alice.session.channels()->indexOf(dm));
        QCOMPARE(row.data(Qt::DisplayRole).toString(), QStringLiteral("@bob"));
        QVERIFY(row.data(Qt::AccessibleTextRole).toString().startsWith(QStringLiteral("@bob")));
        QVERIFY(shown(alice.window.status()->channelText()).startsWith(QStringLiteral("@bob · ")));
        QVERIFY(shown(alice.window.windowTitle()).startsWith(QStringLiteral("@bob — ")));
        // The quick switcher finds it by the name shown, and my own name matches nothing.
        alice.press(QKeySequence(Qt::CTRL | Qt::Key_K));
        QuickSwitcher *switcher = nullptr;
        QTRY_VERIFY((switcher = alice.window.findChild<QuickSwitcher *>()));
        QLineEdit *filter = switcher->findChild<QLineEdit *>();
        QTest::keyClicks(filter, QStringLiteral("alice"));
        QTRY_COMPARE(switcher->currentName(), QString());
        filter->clear();
        QTest::keyClicks(filter, QStringLiteral("bob"));
        QTRY_COMPARE(switcher->currentName(), dm);
    }

    // In a direct conversation, alice sees when bob has read her last message, and the mark
    // is for what she sent: her next message is not seen until he reads it too.
    void directMessagesSaySeen()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        Client bob(*m_server, QStringLiteral("bob"));
        QVERIFY(alice.waitReady() && bob.waitReady());
        alice.type(QStringLiteral("/msg bob are you there?"));
        const QString dm =
            ChatSession::directChannel(QStringLiteral("alice"), QStringLiteral("bob"));
        QVERIFY(alice.waitCurrent(dm));
        QVERIFY(bob.waitJoined(dm));
        QLabel *line = nullptr;
        for (QLabel *label : alice.window.findChildren<QLabel *>()) {
            if (label->accessibleName() == QStringLiteral("Typing"))
                line = label;
        }
        QVERIFY(line);
        QTRY_COMPARE_WITH_TIMEOUT(bob.texts(dm).size(), 1, 20000);
        QVERIFY(!line->text().startsWith(QStringLiteral("Seen")));
        bob.window.openChannel(dm);
        QVERIFY(bob.waitCurrent(dm));
        QTRY_VERIFY_WITH_TIMEOUT(line->text().startsWith(QStringLiteral("Seen by")), 20000);
        QVERIFY(line->text().contains(QStringLiteral("bob")));
        // The receipt is in the conversation's own hash, bob's field.
        QVERIFY(!m_server->command({"HGET", dm.toUtf8().prepend("channel:{") + "}:read", "bob"})
                     .bytes()
                     .isEmpty());
        alice.type(QStringLiteral("hello?"));
        QTRY_VERIFY_WITH_TIMEOUT(!line->text().startsWith(QStringLiteral("Seen")), 20000);
        // bob has the conversation open: he reads it as it comes, and she sees that.
        QTRY_VERIFY_WITH_TIMEOUT(line->text().startsWith(QStringLiteral("Seen by")), 20000);
    }

    // Ctrl+K also finds channels on the server that alice is not in (to join) and the people
    // she shares a channel with (for a direct conversation), and is quiet about listing them.
    void ctrlKFindsUnjoinedChannelsAndPeople()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        ThreadedWorker carol(ThreadedWorker::configFor(*m_server, QStringLiteral("carol")));
        QVERIFY(alice.waitReady() && carol.waitForReady());
        alice.type(QStringLiteral("/join lobby"));
        QVERIFY(alice.waitCurrent(QStringLiteral("lobby")));
        carol.run([w = carol.worker()] {
            w->joinChannel(QStringLiteral("lobby"));
            w->joinChannel(QStringLiteral("backstage"));
        });
        QVERIFY(carol.waitForJoined(QStringLiteral("backstage")));
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.session.members(QStringLiteral("lobby"))->indexOf(QStringLiteral("carol")) >= 0,
            20000);

        alice.press(QKeySequence(Qt::CTRL | Qt::Key_K));
        QuickSwitcher *switcher = nullptr;
        QTRY_VERIFY((switcher = alice.window.findChild<QuickSwitcher *>()));
        QLineEdit *filter = switcher->findChild<QLineEdit *>();
        QListView *rows = switcher->findChild<QListView *>();
        QVERIFY(rows);
        // Everything, before typing: lobby, then backstage to join, then carol.
        QTRY_COMPARE_WITH_TIMEOUT(rows->model()->rowCount(), 3, 20000);
        saveInBothThemes(alice, switcher, "quick-switcher-people");
        QTest::keyClicks(filter, QStringLiteral("backst"));
        QTRY_COMPARE_WITH_TIMEOUT(switcher->currentName(), QStringLiteral("backstage"), 20000);
        // The listing it asked for is not shown as /channels output.
        QVERIFY(alice.window.noticeBar()->text().isEmpty()
                || !alice.window.noticeBar()->text().contains(QStringLiteral("#backstage")));
        filter->clear();
        QTest::keyClicks(filter, QStringLiteral("carol"));
        const QString dm =
            ChatSession::directChannel(QStringLiteral("alice"), QStringLiteral("carol"));
        QTRY_COMPARE(switcher->currentName(), dm);
        filter->clear();
        QTest::keyClicks(filter, QStringLiteral("backst"));
        QTRY_COMPARE(switcher->currentName(), QStringLiteral("backstage"));
        QTest::keyClick(filter, Qt::Key_Return);
        // Chosen: joined, and open.
        QVERIFY(alice.waitCurrent(QStringLiteral("backstage")));
        QVERIFY(alice.waitJoined(QStringLiteral("backstage")));
    }

    // Everyone with an account, not only those I share a channel with; live while open;
    // Enter messages the one found.
    void thePeopleDirectoryFindsEveryone()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        ChatConfig zedConfig = ThreadedWorker::configFor(*m_server, QStringLiteral("zed"));
        zedConfig.announcePresence = true;
        zedConfig.displayName = QStringLiteral("Zed Zimmer");
        ThreadedWorker zed(zedConfig);
        ThreadedWorker yan(ThreadedWorker::configFor(*m_server, QStringLiteral("yan")));
        QVERIFY(alice.waitReady() && zed.waitForReady() && yan.waitForReady());

        alice.press(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
        PeopleDialog *people = nullptr;
        QTRY_VERIFY((people = alice.window.findChild<PeopleDialog *>()));
        QAbstractItemModel *rows = people->list()->model();
        const auto shownOrder = [rows] {
            QStringList names;
            for (int row = 0; row < rows->rowCount(); ++row)
                names << rows->index(row, 0).data(MemberListModel::NameRole).toString();
            return names;
        };
        // Online first (alice and zed), then yan, who runs no app.
        QTRY_COMPARE_WITH_TIMEOUT(
            shownOrder(),
            (QStringList{QStringLiteral("alice"), QStringLiteral("zed"), QStringLiteral("yan")}),
            20000);
        QTRY_COMPARE(people->summary(), QStringLiteral("3 people \u00b7 2 online"));
        QCOMPARE(rows->index(1, 0).data(Qt::DisplayRole).toString(),
                 QStringLiteral("Zed Zimmer (zed)"));
        // zed steps out: seen while the directory is open, though alice shares nothing with him.
        zed.run(
            [w = zed.worker()] { w->setPresence(Presence::State::Away, QStringLiteral("gym")); });
        QTRY_COMPARE_WITH_TIMEOUT(rows->index(1, 0).data(MemberListModel::PresenceRole).toInt(),
                                  int(Presence::State::Away), 20000);
        QTRY_COMPARE(people->summary(), QStringLiteral("3 people \u00b7 1 online \u00b7 1 away"));
        // The first one I can message is picked, not me.
        QCOMPARE(people->currentAccount(), QStringLiteral("zed"));
        saveInBothThemes(alice, people, "people");

        QTest::keyClicks(people->searchField(), QStringLiteral("zim"));
        QTRY_COMPARE(people->currentAccount(), QStringLiteral("zed"));
        QCOMPARE(rows->rowCount(), 1);
        QTest::keyClick(people->searchField(), Qt::Key_Return);
        QVERIFY(alice.waitCurrent(
            ChatSession::directChannel(QStringLiteral("alice"), QStringLiteral("zed"))));
        QTRY_VERIFY(!alice.window.findChild<PeopleDialog *>());
        // Ctrl+K knows everyone in the directory too (yan shares no channel with alice).
        alice.press(QKeySequence(Qt::CTRL | Qt::Key_K));
        QuickSwitcher *switcher = nullptr;
        QTRY_VERIFY((switcher = alice.window.findChild<QuickSwitcher *>()));
        switcher->setFilterText(QStringLiteral("yan"));
        QTRY_COMPARE_WITH_TIMEOUT(
            switcher->currentName(),
            ChatSession::directChannel(QStringLiteral("alice"), QStringLiteral("yan")), 20000);
        switcher->reject();
    }

    // A click on a member, or on an author's name in the log: who it is, where they are, and
    // a way to message them.
    void aUserCardSaysWhoAndOffersAMessage()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        ChatConfig bobConfig = ThreadedWorker::configFor(*m_server, QStringLiteral("bob"));
        bobConfig.announcePresence = true;
        bobConfig.displayName = QStringLiteral("Bob Builder");
        ThreadedWorker bob(bobConfig);
        QVERIFY(alice.waitReady() && bob.waitForReady());
        alice.type(QStringLiteral("/join general"));
        QVERIFY(alice.waitCurrent(QStringLiteral("general")));
        bob.run([w = bob.worker()] {
            w->joinChannel(QStringLiteral("general"));
            w->setPresence(Presence::State::Away, QStringLiteral("on call \u2014 page me"));
            w->sendMessage(QStringLiteral("general"), QStringLiteral("the build is green"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("general")).size(), 1, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(alice.session.presenceOf(QStringLiteral("bob")).state,
                                  Presence::State::Away, 20000);

        QListView *memberList = nullptr;
        for (QListView *view : alice.window.findChildren<QListView *>()) {
            if (view->accessibleName() == QStringLiteral("Members"))
                memberList = view;
        }
        QVERIFY(memberList);
        int bobRow = -1;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int row = 0; row < memberList->model()->rowCount(); ++row) {
                    if (memberList->model()->index(row, 0).data(MemberListModel::NameRole)
                        == QStringLiteral("bob"))
                        bobRow = row;
                }
                return bobRow >= 0;
            }(),
            20000);
        const QRect rect = memberList->visualRect(memberList->model()->index(bobRow, 0));
        QTest::mouseClick(memberList->viewport(), Qt::LeftButton, {}, rect.center());
        UserCard *card = nullptr;
        QTRY_VERIFY((card = alice.window.findChild<UserCard *>()) && card->isVisible());
        QCOMPARE(shown(card->nameText()), QStringLiteral("Bob Builder"));
        QVERIFY2(shown(card->presenceText()).startsWith(QStringLiteral("Away")),
                 qPrintable(card->presenceText()));
        QVERIFY(shown(card->presenceText()).endsWith(QStringLiteral("on call \u2014 page me")));
        QVERIFY(card->messageButton()->isVisible());
        saveInBothThemes(alice, card, "usercard");
        // Live: bob comes back while it is open.
        bob.run([w = bob.worker()] { w->setPresence(Presence::State::Online, QString()); });
        QTRY_VERIFY_WITH_TIMEOUT(shown(card->presenceText()).startsWith(QStringLiteral("Online")),
                                 20000);
        card->close();
        QTRY_VERIFY(!alice.window.findChild<UserCard *>());

        // The author's name in the log.
        MessageLogView *log = alice.window.logView();
        const QModelIndex message = log->model()->index(log->model()->rowCount() - 1, 0);
        const QRect row = log->visualRect(message);
        QPoint onName;
        for (int y = row.top(); y <= row.bottom() && onName.isNull(); y += 2) {
            for (int x = row.left(); x < row.right(); x += 3) {
                if (log->authorAt(QPoint(x, y)).isValid()) {
                    onName = QPoint(x + 3, y + 2);
                    break;
                }
            }
        }
        QVERIFY(!onName.isNull());
        QVERIFY(!log->authorAt(QPoint(row.right() - 5, onName.y())).isValid());
        QTest::mouseClick(log->viewport(), Qt::LeftButton, {}, onName);
        QTRY_VERIFY((card = alice.window.findChild<UserCard *>()) && card->isVisible());
        QCOMPARE(card->account(), QStringLiteral("bob"));
        QTest::mouseClick(card->messageButton(), Qt::LeftButton);
        QVERIFY(alice.waitCurrent(
            ChatSession::directChannel(QStringLiteral("alice"), QStringLiteral("bob"))));
    }

    // The Join dialog lists what exists (members, topic), narrows and completes as one types.
    void theJoinDialogListsChannels()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        ThreadedWorker carol(ThreadedWorker::configFor(*m_server, QStringLiteral("carol")));
        QVERIFY(alice.waitReady() && carol.waitForReady());
        carol.run([w = carol.worker()] {
            w->createChannel(QStringLiteral("design"), QStringLiteral("Mockups & <b>reviews</b>"));
            w->createChannel(QStringLiteral("deploys"), QStringLiteral("What went out, when"));
            w->joinChannel(QStringLiteral("design"));
            w->joinChannel(QStringLiteral("deploys"));
            w->joinChannel(QStringLiteral("lunch"));
        });
        QVERIFY(carol.waitForJoined(QStringLiteral("lunch")));
        alice.type(QStringLiteral("/join lunch"));
        QVERIFY(alice.waitCurrent(QStringLiteral("lunch")));

        alice.press(QKeySequence(Qt::CTRL | Qt::Key_N));
        JoinChannelDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = alice.window.findChild<JoinChannelDialog *>()));
        QTRY_COMPARE_WITH_TIMEOUT(dialog->shownChannelCount(), 3, 20000);
        QAbstractItemModel *rows = dialog->channelList()->model();
        // Busiest first: lunch has two members.
        QCOMPARE(rows->index(0, 0).data().toString(), QStringLiteral("#lunch (joined)"));
        QCOMPARE(rows->index(0, 1).data().toString(), QStringLiteral("2"));
        QStringList topics;
        for (int row = 0; row < rows->rowCount(); ++row)
            topics << shown(rows->index(row, 2).data().toString());
        QVERIFY(topics.contains(QStringLiteral("Mockups & <b>reviews</b>")));
        saveInBothThemes(alice, dialog, "join-dialog");

        // Down goes through the list; the name follows, and the list stays whole.
        QTest::keyClick(dialog->nameField(), Qt::Key_Down);
        QTRY_VERIFY(dialog->channelList()->hasFocus());
        QCOMPARE(dialog->channelName(), QStringLiteral("lunch"));
        QTest::keyClick(dialog->channelList(), Qt::Key_Down);
        QCOMPARE(dialog->channelName(), rows->index(1, 0).data(Qt::UserRole + 1).toString());
        QCOMPARE(dialog->shownChannelCount(), 3);
        dialog->nameField()->setFocus();
        QTRY_VERIFY(dialog->nameField()->hasFocus());
        dialog->nameField()->clear();
        QTest::keyClicks(dialog->nameField(), QStringLiteral("desi"));
        // Completed inline, and the list narrowed to it.
        QCOMPARE(dialog->channelName(), QStringLiteral("design"));
        QCOMPARE(dialog->shownChannelCount(), 1);
        QLineEdit *topic = dialog->findChildren<QLineEdit *>().value(1);
        QVERIFY(topic && !topic->isEnabled()); // it exists: it keeps its topic
        QTest::keyClick(dialog->nameField(), Qt::Key_Return);
        QVERIFY(alice.waitCurrent(QStringLiteral("design")));
        QVERIFY(alice.waitJoined(QStringLiteral("design")));
    }

    // /channels names the channels as links; a click joins one.
    void theChannelListingLinksJoin()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        ThreadedWorker carol(ThreadedWorker::configFor(*m_server, QStringLiteral("carol")));
        QVERIFY(alice.waitReady() && carol.waitForReady());
        carol.run([w = carol.worker()] {
            w->createChannel(QStringLiteral("ops"), QStringLiteral("<a href=\"x\">not a link</a>"));
            w->joinChannel(QStringLiteral("ops"));
        });
        QVERIFY(carol.waitForJoined(QStringLiteral("ops")));
        alice.type(QStringLiteral("/channels"));
        QTRY_VERIFY_WITH_TIMEOUT(alice.window.noticeBar()->text().contains(QStringLiteral("#ops")),
                                 20000);
        QLabel *label = nullptr;
        for (QLabel *l : alice.window.noticeBar()->findChildren<QLabel *>()) {
            if (l->accessibleName() == QStringLiteral("Notice text"))
                label = l;
        }
        QVERIFY(label);
        // The name is a link; the topic's markup is text.
        QVERIFY2(label->text().contains(QStringLiteral("<a href=\"confab:join/ops\">#ops</a>")),
                 qPrintable(label->text()));
        QVERIFY(label->text().contains(QStringLiteral("&lt;a href=")));
        QVERIFY(shown(alice.window.noticeBar()->text())
                    .contains(QStringLiteral("<a href=\"x\">not a link</a>")));
        Q_EMIT label->linkActivated(QStringLiteral("confab:join/ops"));
        QVERIFY(alice.waitCurrent(QStringLiteral("ops")));
        QVERIFY(alice.waitJoined(QStringLiteral("ops")));
    }

    // The overview's figures are what was written; /stats says the short form.
    void theServerOverviewShowsWhatWasWritten()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        ChatConfig bobConfig = ThreadedWorker::configFor(*m_server, QStringLiteral("bob"));
        bobConfig.announcePresence = true;
        ThreadedWorker bob(bobConfig);
        QVERIFY(alice.waitReady() && bob.waitForReady());
        alice.type(QStringLiteral("/join dev"));
        QVERIFY(alice.waitCurrent(QStringLiteral("dev")));
        for (int i = 0; i < 3; ++i)
            alice.type(QStringLiteral("message %1").arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("dev")).size(), 3, 20000);
        bob.run([w = bob.worker()] { w->setPresence(Presence::State::Away, QString()); });
        QTRY_COMPARE_WITH_TIMEOUT(
            m_server->command({"HGET", "user:{bob}:presence", "state"}).bytes(), QByteArray("away"),
            20000);

        ServerOverviewDock *overview = alice.window.serverOverview();
        QVERIFY(overview && !overview->isVisible());
        alice.press(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
        QTRY_VERIFY(overview->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(overview->figure(QStringLiteral("channels")), QStringLiteral("1"),
                                  20000);
        QCOMPARE(overview->figure(QStringLiteral("people")),
                 QStringLiteral("1 online, 1 away, of 2"));
        QCOMPARE(overview->figure(QStringLiteral("rate")), QStringLiteral("4.0 per minute"));
        QVERIFY(overview->figure(QStringLiteral("server")).startsWith(QStringLiteral("Redis ")));
        QAbstractItemModel *table = overview->channelTable()->model();
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->index(0, 0).data().toString(), QStringLiteral("#dev"));
        QCOMPARE(table->index(0, 2).data().toString(), QStringLiteral("4")); // join + 3
        // Refreshed while shown: a new message shows up without asking.
        alice.type(QStringLiteral("one more"));
        QTRY_COMPARE_WITH_TIMEOUT(table->index(0, 2).data().toString(), QStringLiteral("5"),
                                  3 * ServerOverviewDock::RefreshMs);
        saveInBothThemes(alice, &alice.window, "overview");
        alice.press(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
        QTRY_VERIFY(!overview->isVisible());

        alice.type(QStringLiteral("/stats"));
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.window.noticeBar()->text().contains(QStringLiteral("Channels: 1")), 20000);
        QVERIFY(alice.window.noticeBar()->text().contains(QStringLiteral("1 online, 1 away of 2")));
    }

    void aLongNoticeScrollsInsteadOfPushingTheInputAway()
    {
        m_server->command({"EVAL",
                           "for i = 1, 45 do redis.call('SADD', KEYS[1], 'team' .. i) end "
                           "return 1",
                           "1", "channel:index"});
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        const QSize size = alice.window.size();
        alice.type(QStringLiteral("/channels"));
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.window.noticeBar()->text().contains(QStringLiteral("#team45")), 20000);
        // Once the layout has settled (it is redone after the notice is shown).
        const int most =
            alice.window.noticeBar()->fontMetrics().lineSpacing() * (NoticeBar::MaxLines + 2);
        QTRY_VERIFY2(alice.window.noticeBar()->height() <= most,
                     qPrintable(QString::number(alice.window.noticeBar()->height())));
        QCOMPARE(alice.window.size(), size);
        // The input is still in the window, below the notice.
        MessageInput *input = alice.window.input();
        QVERIFY(input->isVisible());
        QVERIFY(input->mapTo(&alice.window, QPoint(0, input->height())).y() <= size.height());
        QVERIFY(alice.window.logView()->height() > 100);
    }

    void unknownCommandsAndBadNamesShowErrors_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown") << QStringLiteral("/frobnicate now")
                                 << QStringLiteral("Unknown command /frobnicate");
        QTest::newRow("spaces") << QStringLiteral("/join two words") << QStringLiteral("no spaces");
        QTest::newRow("braces") << QStringLiteral("/join a{b}") << QStringLiteral("\"{\"");
        QTest::newRow("missing argument")
            << QStringLiteral("/join") << QStringLiteral("Usage: /join NAME");
        QTest::newRow("no channel")
            << QStringLiteral("hello?") << QStringLiteral("Join a channel first");
    }
    void unknownCommandsAndBadNamesShowErrors()
    {
        QFETCH(QString, typed);
        QFETCH(QString, error);
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(typed);
        QVERIFY2(alice.window.noticeBar()->text().contains(error),
                 qPrintable(alice.window.noticeBar()->text()));
        QVERIFY(alice.window.noticeBar()->isError());
        QCOMPARE(m_server->command({"SCARD", "channel:index"}).toInteger(), 0);
        // The line stays, to be corrected rather than typed again.
        QCOMPARE(alice.window.input()->toPlainText(), typed);
    }

    // A click on a message gives the log the focus; typing then goes to the input, while
    // Ctrl+C still copies the selection.
    void typingInTheLogGoesToTheInput()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join typing"));
        QVERIFY(alice.waitCurrent(QStringLiteral("typing")));
        alice.type(QStringLiteral("hello there"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("typing")).size(), 1, 20000);
        MessageLogView *log = alice.window.logView();
        QApplication::setActiveWindow(&alice.window);
        log->setFocus();
        QTRY_VERIFY(log->hasFocus());
        log->selectAll();
        QTest::keyClick(log, Qt::Key_C, Qt::ControlModifier);
        QVERIFY(QGuiApplication::clipboard()->text().contains(QStringLiteral("hello there")));
        QTest::keyClicks(log, QStringLiteral("Yes, and "));
        // A key that types a non-ASCII character (as a keyboard layout or AltGr gives it).
        QKeyEvent accented(QEvent::KeyPress, 0, Qt::GroupSwitchModifier, QStringLiteral("é"));
        QApplication::sendEvent(log, &accented);
        QCOMPARE(alice.window.input()->toPlainText(), QStringLiteral("Yes, and é"));
        QVERIFY(alice.window.input()->hasFocus());
    }

    // A /join typed while offline says it waits, and when it goes through minutes later it
    // does not take the view from the channel the user went to meanwhile.
    void aJoinWhileOfflineWaitsWithoutStealingTheView()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join here"));
        QVERIFY(alice.waitCurrent(QStringLiteral("here")));
        alice.type(QStringLiteral("/join there"));
        QVERIFY(alice.waitCurrent(QStringLiteral("there")));
        m_server->stop();
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.session.connectionState() != RedisConnection::State::Connected, 20000);
        alice.type(QStringLiteral("/join later"));
        QVERIFY2(
            alice.window.noticeBar()->text().contains(QStringLiteral("once Confab is connected")),
            qPrintable(alice.window.noticeBar()->text()));
        QVERIFY(!alice.window.noticeBar()->isError());
        alice.window.openChannel(QStringLiteral("here")); // the user moves on
        QCOMPARE(alice.window.currentChannel(), QStringLiteral("here"));
        QVERIFY(m_server->restart());
        QVERIFY(alice.waitJoined(QStringLiteral("later")));
        QCOMPARE(alice.window.currentChannel(), QStringLiteral("here"));
    }

    // A message the server refused offers to go again, to be edited or to be discarded.
    void aRefusedMessageCanBeRetriedEditedOrDiscarded()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join refusing"));
        QVERIFY(alice.waitCurrent(QStringLiteral("refusing")));
        MessageLogModel *log = alice.session.log(QStringLiteral("refusing"));
        // Someone broke the channel's log: every post is refused (WRONGTYPE) until it is fixed.
        const QByteArray key = "channel:{refusing}:log";
        QVERIFY(m_server->command({"DEL", key}).toInteger() == 1);
        QVERIFY(m_server->command({"SET", key, "not a stream"}).isOk());
        const auto failedRow = [log] {
            for (int row = 0; row < log->rowCount(); ++row) {
                if (log->index(row)
                        .data(MessageLogModel::DeliveryRole)
                        .value<MessageLogModel::Delivery>()
                    == MessageLogModel::Delivery::Failed)
                    return row;
            }
            return -1;
        };
        const auto act = [&alice](int row, const char *name) {
            MessageLogView *view = alice.window.logView();
            view->scrollToBottom();
            const QRect rect = view->visualRect(view->model()->index(row, 0));
            std::unique_ptr<QMenu> menu(view->createContextMenu(rect.center()));
            auto *action = menu->findChild<QAction *>(QLatin1String(name));
            if (!action)
                return false;
            action->trigger();
            return true;
        };
        for (const char *text : {"first try", "to edit", "to drop"})
            alice.type(QLatin1String(text));
        QTRY_COMPARE_WITH_TIMEOUT(failedRow() >= 0 && log->rowCount() == 4
                                      && log->index(3)
                                              .data(MessageLogModel::DeliveryRole)
                                              .value<MessageLogModel::Delivery>()
                                          == MessageLogModel::Delivery::Failed,
                                  true, 20000);
        QVERIFY(log->index(1)
                    .data(MessageLogModel::ProblemRole)
                    .toString()
                    .contains(QStringLiteral("retry, edit or discard")));

        // Discard: gone.
        QVERIFY(act(3, "discardAction"));
        QCOMPARE(log->rowCount(), 3);
        // Edit: back in the input, out of the log.
        alice.window.input()->setPlainText(QStringLiteral("typing"));
        QVERIFY(act(2, "editAction"));
        QCOMPARE(log->rowCount(), 2);
        QCOMPARE(alice.window.input()->toPlainText(), QStringLiteral("typing\nto edit"));
        // Retry, once the log is mended: delivered.
        QVERIFY(m_server->command({"DEL", key}).toInteger() == 1);
        QVERIFY(act(1, "retryAction"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("refusing")),
                                  QStringList{QStringLiteral("first try")}, 20000);
        QCOMPARE(failedRow(), -1);
    }

    // A link that no browser opens says so, and is copied.
    void aLinkWithNoBrowserSaysSo()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join links"));
        QVERIFY(alice.waitCurrent(QStringLiteral("links")));
        alice.type(QStringLiteral("see https://example.org/page"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("links")).size(), 1, 20000);
        MessageLogView *log = alice.window.logView();
        log->setLinkOpener([](const QUrl &) { return false; }); // no browser here
        QSignalSpy notOpened(log, &MessageLogView::linkNotOpened);
        const QModelIndex row = log->model()->index(log->model()->rowCount() - 1, 0);
        QPoint at;
        const QRect rect = log->visualRect(row);
        for (int x = rect.left(); x < rect.right() && at.isNull(); x += 3) {
            if (!log->linkAt(QPoint(x, rect.center().y())).isEmpty())
                at = QPoint(x, rect.center().y());
        }
        QVERIFY(!at.isNull());
        QTest::mouseClick(log->viewport(), Qt::LeftButton, {}, at);
        QTRY_COMPARE(notOpened.size(), 1);
        QVERIFY2(alice.window.noticeBar()->text().contains(QStringLiteral("No web browser")),
                 qPrintable(alice.window.noticeBar()->text()));
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("https://example.org/page"));
    }

    // The private server says that it is private, and how to reach a shared one.
    void thePrivateServerSaysItIsPrivate()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        alice.window.showPrivateServerNotice(QStringLiteral("~/.local/share/Confab/redis"));
        const QString text = alice.window.noticeBar()->text();
        QVERIFY2(text.contains(QStringLiteral("Only you can reach it"))
                     && text.contains(QStringLiteral("Connection")),
                 qPrintable(text));
        QVERIFY(!alice.window.noticeBar()->isError());
    }

    // Quitting with messages not yet sent says so and asks; a logout (quitNow) does not ask.
    void quittingWithUnsentMessagesAsks()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join unsent"));
        QVERIFY(alice.waitCurrent(QStringLiteral("unsent")));
        // The server holds every write for a while: the message waits in the outbox.
        QVERIFY(m_server->command({"CLIENT", "PAUSE", "20000", "WRITE"}).isOk());
        alice.type(QStringLiteral("not out yet"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.session.outboxCount(), 1, 20000);

        const auto question = [&alice] {
            return alice.window.findChild<QMessageBox *>(QStringLiteral("unsentQuestion"));
        };
        alice.window.close();
        QTRY_VERIFY(question() && question()->isVisible());
        QVERIFY(question()->text().contains(QStringLiteral("1 message")));
        QVERIFY(alice.window.isVisible());
        // Cancel: still running.
        for (QAbstractButton *button : question()->buttons()) {
            if (button->text() == QStringLiteral("&Cancel")) {
                button->click();
                break;
            }
        }
        QTRY_VERIFY(!question());
        QVERIFY(alice.window.isVisible());
        // Quit: gone, the message still in the outbox for the next start.
        alice.window.close();
        QTRY_VERIFY(question() && question()->isVisible());
        question()->defaultButton()->click();
        QTRY_VERIFY(!alice.window.isVisible());
        QCOMPARE(alice.session.outboxCount(), 1);
        QVERIFY(m_server->command({"CLIENT", "UNPAUSE"}).isOk());

        // A logout does not wait for an answer.
        Client bob(*m_server, QStringLiteral("bob"));
        QVERIFY(bob.waitReady());
        bob.window.quitNow();
        QVERIFY(!bob.window.isVisible());
    }

    // Too long is said before sending, and the text stays to be shortened.
    void aTooLongMessageStaysInTheInput()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join long"));
        QVERIFY(alice.waitCurrent(QStringLiteral("long")));
        const QString paste = QStringLiteral("a very long paste ").repeated(2100); // ~37 KiB
        alice.type(paste);
        QVERIFY2(alice.window.noticeBar()->text().contains(QStringLiteral("too long")),
                 qPrintable(alice.window.noticeBar()->text()));
        QCOMPARE(alice.window.input()->toPlainText(), paste);
        QCOMPARE(alice.session.outboxCount(), 0);
        // Nothing was put on its way (the join line itself may still be arriving).
        QCOMPARE(alice.session.log(QStringLiteral("long"))->pendingCount(), 0);
    }

    // Each conversation keeps its own draft: what is typed in #dev never goes to #ops, and
    // comes back (with its cursor) when #dev is opened again, after a restart too.
    void draftsStayWithTheirConversation()
    {
        {
            Client alice(*m_server, QStringLiteral("alice"));
            QVERIFY(alice.waitReady());
            alice.type(QStringLiteral("/join dev"));
            QVERIFY(alice.waitCurrent(QStringLiteral("dev")));
            alice.type(QStringLiteral("/join ops"));
            QVERIFY(alice.waitCurrent(QStringLiteral("ops")));
            alice.window.openChannel(QStringLiteral("dev"));
            QVERIFY(alice.waitCurrent(QStringLiteral("dev")));
            QTest::keyClicks(alice.window.input(), QStringLiteral("for dev"));
            QTest::keyClick(alice.window.input(), Qt::Key_Left);

            alice.press(QKeySequence(Qt::ALT | Qt::Key_Down)); // next channel
            QVERIFY(alice.waitCurrent(QStringLiteral("ops")));
            QCOMPARE(alice.window.input()->toPlainText(), QString());
            QTest::keyClicks(alice.window.input(), QStringLiteral("for ops"));
            alice.press(QKeySequence(Qt::ALT | Qt::Key_Up));
            QVERIFY(alice.waitCurrent(QStringLiteral("dev")));
            QCOMPARE(alice.window.input()->toPlainText(), QStringLiteral("for dev"));
            QCOMPARE(alice.window.input()->textCursor().position(), 6);
            QTest::keyClick(alice.window.input(), Qt::Key_End);
            QTest::keyClick(alice.window.input(), Qt::Key_Return);
            QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("dev")),
                                      QStringList{QStringLiteral("for dev")}, 20000);
            QVERIFY(alice.texts(QStringLiteral("ops")).isEmpty());
            alice.window.close();
        }
        Client again(*m_server, QStringLiteral("alice"));
        QVERIFY(again.waitReady());
        again.window.openChannel(QStringLiteral("ops"));
        QVERIFY(again.waitCurrent(QStringLiteral("ops")));
        QCOMPARE(again.window.input()->toPlainText(), QStringLiteral("for ops"));
        again.window.openChannel(QStringLiteral("dev"));
        QVERIFY(again.waitCurrent(QStringLiteral("dev")));
        QCOMPARE(again.window.input()->toPlainText(), QString());
    }

    void htmlAndScriptsShowLiterally()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join html"));
        QVERIFY(alice.waitCurrent(QStringLiteral("html")));
        const QString nasty =
            QStringLiteral("<b>bold?</b><script>alert(1)</script><img src=x onerror=alert(2)>");
        alice.type(nasty);
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("html")), QStringList{nasty}, 20000);
        MessageLogModel *log = alice.session.log(QStringLiteral("html"));
        QVERIFY(log->index(log->rowCount() - 1)
                    .data(Qt::DisplayRole)
                    .toString()
                    .contains(QStringLiteral("<script>")));
    }

    // Names, topics and display names are anyone's to write: no label, tooltip, menu or
    // button may read them as markup or shortcut markers.
    void namesAndTopicsShowAsTypedEverywhere()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        const QString name = QStringLiteral("<b>bold</b>&co");
        alice.type(QStringLiteral("/join ") + name);
        QVERIFY(alice.waitCurrent(name));
        const QString topic = QStringLiteral("<i>read</i> me \u202egnp.exe");
        alice.type(QStringLiteral("/topic ") + topic);
        QTRY_VERIFY_WITH_TIMEOUT(alice.window.topicLabel()->fullText().contains(
                                     QStringLiteral("<i>read</i> me [U+202E]gnp.exe")),
                                 20000);
        QVERIFY(!alice.window.topicLabel()->fullText().contains(QChar(0x202e)));
        QCOMPARE(alice.window.topicLabel()->textFormat(), Qt::PlainText);

        // The status bar's channel label.
        QLabel *channel = nullptr;
        for (QLabel *label : alice.window.status()->findChildren<QLabel *>()) {
            if (label->accessibleName() == QStringLiteral("Current channel"))
                channel = label;
        }
        QVERIFY(channel);
        QCOMPARE(channel->textFormat(), Qt::PlainText);
        QVERIFY2(channel->text().contains(name), qPrintable(channel->text()));

        // The channel list's tooltip is the topic, as typed.
        QListView *list = nullptr;
        for (QListView *view : alice.window.findChildren<QListView *>()) {
            if (view->accessibleName() == QStringLiteral("Channel list"))
                list = view;
        }
        QVERIFY(list);
        QTRY_VERIFY(list->model()->rowCount() == 1);
        const QRect rect = list->visualRect(list->model()->index(0, 0));
        QHelpEvent help(QEvent::ToolTip, rect.center(),
                        list->viewport()->mapToGlobal(rect.center()));
        QApplication::sendEvent(list->viewport(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(QStringLiteral("&lt;i&gt;read&lt;/i&gt;")),
                 qPrintable(QToolTip::text()));
        QToolTip::hideText();

        // A narrow topic label's tooltip holds the whole topic, as typed.
        ElidedLabel narrow;
        narrow.resize(60, 30);
        narrow.setFullText(QStringLiteral("<b>not bold</b> and more words than fit"));
        QVERIFY(narrow.toolTip().contains(QStringLiteral("&lt;b&gt;not bold&lt;/b&gt;")));

        // A display name with '&' and markup on the identity button and in its tooltip.
        alice.type(QStringLiteral("/nick R&D <i>lab</i>"));
        QTRY_VERIFY_WITH_TIMEOUT(alice.session.myDisplayName() == QStringLiteral("R&D <i>lab</i>"),
                                 20000);
        QTRY_VERIFY(shown(alice.window.identityButton()->text())
                        .contains(QStringLiteral("R&&D <i>lab</i>")));
        QVERIFY(alice.window.identityButton()->toolTip().contains(
            QStringLiteral("R&amp;D &lt;i&gt;lab&lt;/i&gt;")));
    }

    void everyShortcutSwitchesChannels()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        for (const char *name : {"alpha", "bravo", "charlie", "delta"}) {
            alice.type(QStringLiteral("/join ") + QLatin1String(name));
            QVERIFY(alice.waitCurrent(QLatin1String(name)));
        }
        auto go = [&](const QKeySequence &keys, const char *expected) {
            alice.press(keys);
            return alice.waitCurrent(QLatin1String(expected));
        };
        QVERIFY(go(QKeySequence(Qt::ALT | Qt::Key_Up), "charlie"));
        QVERIFY(go(QKeySequence(Qt::ALT | Qt::Key_Down), "delta"));
        QVERIFY(go(QKeySequence(Qt::ALT | Qt::Key_Down), "alpha")); // wraps around
        QVERIFY(go(QKeySequence(Qt::CTRL | Qt::Key_PageDown), "bravo"));
        QVERIFY(go(QKeySequence(Qt::CTRL | Qt::Key_PageUp), "alpha"));
        QVERIFY(go(QKeySequence(Qt::CTRL | Qt::Key_Tab), "bravo"));
        QVERIFY(go(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab), "alpha"));
        QVERIFY(go(QKeySequence(Qt::ALT | Qt::Key_3), "charlie"));
        QVERIFY(go(QKeySequence(Qt::CTRL | Qt::Key_4), "delta"));
        QVERIFY(go(QKeySequence(Qt::CTRL | Qt::Key_1), "alpha"));

        // Unread: bob writes in bravo and delta while alice reads alpha.
        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        QVERIFY(bob.waitForReady());
        bob.run([w = bob.worker()] {
            for (const char *name : {"alpha", "bravo", "delta"})
                w->joinChannel(QLatin1String(name));
            w->sendMessage(QStringLiteral("bravo"), QStringLiteral("b1"));
            w->sendMessage(QStringLiteral("delta"), QStringLiteral("d1"));
        });
        QTRY_VERIFY_WITH_TIMEOUT(alice.unread(QStringLiteral("bravo")) == 1
                                     && alice.unread(QStringLiteral("delta")) == 1,
                                 20000);
        QVERIFY(go(QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_Down), "bravo"));
        QCOMPARE(alice.unread(QStringLiteral("bravo")), 0);
        QVERIFY(go(QKeySequence(Qt::ALT | Qt::Key_A), "delta"));
        bob.run(
            [w = bob.worker()] { w->sendMessage(QStringLiteral("alpha"), QStringLiteral("a1")); });
        QTRY_COMPARE_WITH_TIMEOUT(alice.unread(QStringLiteral("alpha")), 1, 20000);
        QVERIFY(go(QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_Up), "alpha"));

        // Esc marks the current channel read, even while the window was inactive.
        alice.session.setWindowActive(false);
        bob.run(
            [w = bob.worker()] { w->sendMessage(QStringLiteral("alpha"), QStringLiteral("a2")); });
        QTRY_COMPARE_WITH_TIMEOUT(alice.unread(QStringLiteral("alpha")), 1, 20000);
        alice.press(QKeySequence(Qt::Key_Escape));
        QCOMPARE(alice.unread(QStringLiteral("alpha")), 0);

        // F1 and Ctrl+/ show the sheet; Ctrl+K the switcher.
        alice.press(QKeySequence(Qt::Key_F1));
        QTRY_VERIFY(alice.window.findChild<ShortcutsSheet *>());
        delete alice.window.findChild<ShortcutsSheet *>();
        alice.press(QKeySequence(Qt::CTRL | Qt::Key_Slash));
        QTRY_VERIFY(alice.window.findChild<ShortcutsSheet *>());
        delete alice.window.findChild<ShortcutsSheet *>();
    }

    void rebindingAShortcutTakesEffect()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        for (const char *name : {"one", "two"}) {
            alice.type(QStringLiteral("/join ") + QLatin1String(name));
            QVERIFY(alice.waitCurrent(QLatin1String(name)));
        }
        alice.settings.setKeysFor(QStringLiteral("nextChannel"),
                                  {QKeySequence(Qt::CTRL | Qt::Key_J)});
        alice.window.applySettings();
        QCOMPARE(alice.window.action(QStringLiteral("nextChannel"))->shortcut(),
                 QKeySequence(Qt::CTRL | Qt::Key_J));
        alice.press(QKeySequence(Qt::CTRL | Qt::Key_J));
        QVERIFY(alice.waitCurrent(QStringLiteral("one")));
    }

    void quickSwitcherFiltersAndOpens()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        for (const char *name : {"general", "random", "release-planning"}) {
            alice.type(QStringLiteral("/join ") + QLatin1String(name));
            QVERIFY(alice.waitCurrent(QLatin1String(name)));
        }
        alice.press(QKeySequence(Qt::CTRL | Qt::Key_K));
        QuickSwitcher *switcher = nullptr;
        QTRY_VERIFY((switcher = alice.window.findChild<QuickSwitcher *>()));
        QLineEdit *filter = switcher->findChild<QLineEdit *>();
        QVERIFY(filter);
        QTest::keyClicks(filter, QStringLiteral("gnrl"));
        QTRY_COMPARE(switcher->currentName(), QStringLiteral("general"));
        QTest::keyClick(filter, Qt::Key_Return);
        QVERIFY(alice.waitCurrent(QStringLiteral("general")));

        // Nothing typed: the channel open before is picked, so Ctrl+K, Enter goes back.
        QTRY_VERIFY(!alice.window.findChild<QuickSwitcher *>());
        for (const char *expected : {"release-planning", "general"}) {
            alice.press(QKeySequence(Qt::CTRL | Qt::Key_K));
            QTRY_VERIFY((switcher = alice.window.findChild<QuickSwitcher *>()));
            QCOMPARE(switcher->currentName(), QLatin1String(expected));
            QTest::keyClick(switcher->findChild<QLineEdit *>(), Qt::Key_Return);
            QVERIFY(alice.waitCurrent(QLatin1String(expected)));
            QTRY_VERIFY(!alice.window.findChild<QuickSwitcher *>());
        }
    }

    // "@2" read as two mentions when it meant two unread, one of which mentions me: the two
    // numbers get a pill each.
    void badgesSayMentionsAndUnreadApart_data()
    {
        QTest::addColumn<int>("unread");
        QTest::addColumn<int>("mentions");
        QTest::addColumn<QStringList>("pills");
        QTest::newRow("unread only") << 5 << 0 << QStringList{QStringLiteral("5")};
        QTest::newRow("one mention of five")
            << 5 << 1 << QStringList{QStringLiteral("@1"), QStringLiteral("5")};
        QTest::newRow("all for me") << 3 << 3 << QStringList{QStringLiteral("@3")};
        QTest::newRow("many") << 1500 << 2
                              << QStringList{QStringLiteral("@2"), QStringLiteral("999+")};
        QTest::newRow("none") << 0 << 0 << QStringList{};
    }
    void badgesSayMentionsAndUnreadApart()
    {
        QFETCH(int, unread);
        QFETCH(int, mentions);
        QFETCH(QStringList, pills);
        QCOMPARE(ChannelDelegate::badges(unread, mentions), pills);
    }

    void unreadBadgesAreReadableInBothThemes()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        for (const char *name : {"quiet", "busy", "pinged"}) {
            alice.type(QStringLiteral("/join ") + QLatin1String(name));
            QVERIFY(alice.waitCurrent(QLatin1String(name)));
        }
        alice.type(QStringLiteral("/join quiet"));
        QVERIFY(alice.waitCurrent(QStringLiteral("quiet")));
        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        QVERIFY(bob.waitForReady());
        bob.run([w = bob.worker()] {
            w->joinChannel(QStringLiteral("busy"));
            w->joinChannel(QStringLiteral("pinged"));
            w->sendMessage(QStringLiteral("busy"), QStringLiteral("88 problems"));
            w->sendMessage(QStringLiteral("pinged"), QStringLiteral("alice: look"));
        });
        QTRY_VERIFY_WITH_TIMEOUT(alice.unread(QStringLiteral("busy")) == 1
                                     && alice.unread(QStringLiteral("pinged")) == 1,
                                 20000);
        QListView *list = alice.window.channelList();
        for (const AppSettings::Theme theme :
             {AppSettings::Theme::Light, AppSettings::Theme::Dark}) {
            alice.settings.setTheme(theme);
            alice.window.applySettings();
            for (const char *name : {"busy", "pinged"}) {
                const QModelIndex index =
                    list->model()
                        ->match(list->model()->index(0, 0), ChannelListModel::NameRole,
                                QLatin1String(name), 1, Qt::MatchExactly)
                        .value(0);
                QVERIFY(index.isValid());
                const QRect row = list->visualRect(index);
                const QImage image = list->viewport()->grab().toImage();
                // The badge is at the right end of the row: its fill is the colour most of that
                // corner shows besides the row's background; its digits are drawn over it.
                const QRect corner(row.right() - 40, row.top(), 36, row.height());
                const QColor background = image.pixelColor(row.right() - 2, row.top() + 1);
                QHash<QRgb, int> counts;
                for (int y = corner.top(); y <= corner.bottom(); ++y) {
                    for (int x = corner.left(); x <= corner.right(); ++x) {
                        if (image.pixel(x, y) != background.rgb())
                            ++counts[image.pixel(x, y)];
                    }
                }
                QVERIFY(!counts.isEmpty());
                QRgb fill = counts.constBegin().key();
                for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
                    if (it.value() > counts.value(fill))
                        fill = it.key();
                }
                qreal best = 1;
                for (auto it = counts.constBegin(); it != counts.constEnd(); ++it)
                    best = std::max(best, ColorContrast::ratio(QColor(it.key()), QColor(fill)));
                QVERIFY2(best >= 4.5,
                         qPrintable(QStringLiteral("#%1: %2 on %3")
                                        .arg(QLatin1String(name))
                                        .arg(best)
                                        .arg(QColor(fill).name())));
            }
        }
    }

    void unreadCountsRiseAndClear()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join quiet"));
        QVERIFY(alice.waitCurrent(QStringLiteral("quiet")));
        alice.type(QStringLiteral("/join busy"));
        QVERIFY(alice.waitCurrent(QStringLiteral("busy")));
        alice.type(QStringLiteral("/join quiet"));
        QVERIFY(alice.waitCurrent(QStringLiteral("quiet")));
        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        QVERIFY(bob.waitForReady());
        bob.run([w = bob.worker()] {
            w->joinChannel(QStringLiteral("busy"));
            for (int i = 0; i < 3; ++i)
                w->sendMessage(QStringLiteral("busy"), QStringLiteral("msg %1").arg(i));
            w->sendMessage(QStringLiteral("busy"), QStringLiteral("hey alice, look"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(alice.unread(QStringLiteral("busy")), 4, 20000);
        const int row = alice.session.channels()->indexOf(QStringLiteral("busy"));
        QVERIFY(alice.session.channels()->index(row).data(ChannelListModel::MentionRole).toBool());
        QVERIFY(alice.window.windowTitle().startsWith(QStringLiteral("(4)")));
        alice.window.openChannel(QStringLiteral("busy"));
        QCOMPARE(alice.unread(QStringLiteral("busy")), 0);
        QCOMPARE(alice.session.channels()->totalUnread(), 0);
    }

    void whatCameWhileAwayIsUnreadAtTheNextStart()
    {
        {
            Client alice(*m_server, QStringLiteral("alice"));
            QVERIFY(alice.waitReady());
            for (const char *name : {"news", "ops"}) {
                alice.type(QStringLiteral("/join ") + QLatin1String(name));
                QVERIFY(alice.waitCurrent(QLatin1String(name)));
            }
            // Both read up to now: the marks reach the server (written once a second).
            QTRY_VERIFY_WITH_TIMEOUT(
                m_server->command({"HEXISTS", "user:{alice}:read", "news"}).toInteger() == 1
                    && m_server->command({"HEXISTS", "user:{alice}:read", "ops"}).toInteger() == 1,
                20000);
        }
        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        QVERIFY(bob.waitForReady());
        bob.run([w = bob.worker()] {
            w->joinChannel(QStringLiteral("news"));
            w->sendMessage(QStringLiteral("news"), QStringLiteral("one"));
            w->sendMessage(QStringLiteral("news"), QStringLiteral("alice: two, for you"));
            w->sendMessage(QStringLiteral("news"), QStringLiteral("three"));
        });
        QVERIFY(bob.waitForTexts(QStringLiteral("news"), 3));

        Client again(*m_server, QStringLiteral("alice"));
        // As the app does with the channel open at the last quit: no other channel opens (and
        // is read) while it is on its way.
        again.window.openChannel(QStringLiteral("ops"));
        QVERIFY(again.waitReady());
        QVERIFY(again.waitJoined(QStringLiteral("news"))
                && again.waitCurrent(QStringLiteral("ops")));
        QTRY_COMPARE_WITH_TIMEOUT(again.unread(QStringLiteral("news")), 3, 20000);
        const int row = again.session.channels()->indexOf(QStringLiteral("news"));
        QVERIFY(again.session.channels()->index(row).data(ChannelListModel::MentionRole).toBool());
        QCOMPARE(again.unread(QStringLiteral("ops")), 0);
        // Live messages after the start add to it, each counted once.
        bob.run(
            [w = bob.worker()] { w->sendMessage(QStringLiteral("news"), QStringLiteral("four")); });
        QTRY_COMPARE_WITH_TIMEOUT(again.unread(QStringLiteral("news")), 4, 20000);
        // Reading it moves the mark past all of them.
        again.window.openChannel(QStringLiteral("news"));
        QCOMPARE(again.unread(QStringLiteral("news")), 0);
        // The "new messages" line stands right above the first of them, "one", written while
        // alice was away.
        MessageLogModel *news = again.session.log(QStringLiteral("news"));
        int lineRow = -1;
        for (int row = 0; row < news->rowCount(); ++row) {
            if (news->messageAt(row).type == ChatMessage::Type::NewMessages)
                lineRow = row;
        }
        QVERIFY(lineRow >= 0);
        QCOMPARE(news->messageAt(lineRow + 1).text, QStringLiteral("one"));
        QCOMPARE(news->rowOfId(news->messageAt(lineRow + 1).id), lineRow + 1);
        // Seen: away and back, nothing is new and the line is gone.
        again.window.openChannel(QStringLiteral("ops"));
        QVERIFY(!news->hasNewMessagesLine());
        again.window.openChannel(QStringLiteral("news"));
        QVERIFY(!news->hasNewMessagesLine());
        const QByteArray last = again.session.log(QStringLiteral("news"))->lastId().toByteArray();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->command({"HGET", "user:{alice}:read", "news"}).bytes(),
                                  last, 20000);
    }

    void scrollingToTheTopPagesInOlderHistory()
    {
        m_server->command({"EVAL",
                           "for i = 0, 1999 do redis.call('XADD', KEYS[1], '*', 'v', '1', 'type', "
                           "'msg', 'from', 'filler', "
                           "'text', 'line ' .. i, 'cid', 'f' .. i) end return 1",
                           "1", "channel:{history}:log"});
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join history"));
        QVERIFY(alice.waitCurrent(QStringLiteral("history")));
        MessageLogModel *log = alice.session.log(QStringLiteral("history"));
        QTRY_VERIFY_WITH_TIMEOUT(log->rowCount() >= 100, 20000);
        const int before = log->rowCount();
        QScrollBar *bar = alice.window.logView()->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0);
        // Page Up in the input scrolls the log, a page at a time.
        QTRY_VERIFY(alice.window.logView()->isPinnedToBottom());
        const int bottom = bar->value();
        alice.window.input()->setFocus();
        QTest::keyClick(alice.window.input(), Qt::Key_PageUp);
        QCOMPARE(bar->value(), bottom - bar->pageStep());
        QTest::keyClick(alice.window.input(), Qt::Key_PageDown);
        QCOMPARE(bar->value(), bottom);
        bar->setValue(bar->minimum());
        QTRY_VERIFY_WITH_TIMEOUT(log->rowCount() > before, 20000);
        // The rows that were on screen are still there, below the page that came in.
        QVERIFY(bar->value() > bar->minimum());
    }

    void settingsPersist()
    {
        {
            Client alice(*m_server, QStringLiteral("alice"));
            alice.settings.setTimestampFormat(QStringLiteral("hh:mm AP"));
            alice.window.resize(870, 610);
            alice.window.close();
        }
        AppSettings settings;
        QCOMPARE(settings.timestampFormat(), QStringLiteral("hh:mm AP"));
        QVERIFY(!settings.windowGeometry().isEmpty());
        Client again(*m_server, QStringLiteral("alice"));
        QCOMPARE(again.window.size(),
                 QSize(1000, 640)); // Client resizes; geometry restore happened before
        QVERIFY(!again.settings.installSecret().isEmpty());
    }

    void theRetryCountdownTicks()
    {
        ConnectionStatus status;
        status.setServer(QStringLiteral("redis.example.org:6379"));
        status.setConnectionState(RedisConnection::State::Reconnecting,
                                  QStringLiteral("Connection refused"));
        status.setRetryDeadline(QDeadlineTimer(2500));
        QCOMPARE(status.connectionText(),
                 QStringLiteral("Reconnecting in 3 s — redis.example.org:6379: Connection "
                                "refused"));
        // In a narrow window the state stays whole; the server and reason are cut.
        status.resize(260, status.sizeHint().height());
        status.show();
        QVERIFY(QTest::qWaitForWindowExposed(&status));
        QLabel *shown = nullptr;
        for (QLabel *label : status.findChildren<QLabel *>()) {
            if (label->accessibleName() == QStringLiteral("Connection"))
                shown = label;
        }
        QVERIFY(shown);
        QTRY_VERIFY(shown->text().endsWith(u'…'));
        QVERIFY2(shown->text().startsWith(QStringLiteral("Reconnecting in ")),
                 qPrintable(shown->text()));
        // It counts down by itself, without a new state from the session.
        QTRY_VERIFY_WITH_TIMEOUT(
            status.connectionText().startsWith(QStringLiteral("Reconnecting in 2 s")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            status.connectionText().startsWith(QStringLiteral("Reconnecting in 1 s")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            status.connectionText().startsWith(QStringLiteral("Reconnecting now")), 5000);
        // Connected again: no countdown.
        status.setConnectionState(RedisConnection::State::Connected, QString());
        QCOMPARE(status.connectionText(), QStringLiteral("Connected to redis.example.org:6379"));
    }

    void theStatusBarShowsTheCurrentChannelsSubscription()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        // No channel: nothing to be live or not.
        QCOMPARE(alice.window.status()->subscriptionText(), QString());
        for (const char *name : {"one", "two"}) {
            alice.type(QStringLiteral("/join ") + QLatin1String(name));
            QVERIFY(alice.waitCurrent(QLatin1String(name)));
            QTRY_VERIFY_WITH_TIMEOUT(alice.session.isLive(QLatin1String(name)), 20000);
            QCOMPARE(alice.window.status()->subscriptionText(), QStringLiteral("Live"));
        }
        QVERIFY(!alice.session.isLive(QStringLiteral("elsewhere")));
        // The subscriber connection drops: not live until it has subscribed again.
        QSignalSpy lost(&alice.session, &ChatSession::liveChanged);
        QVERIFY(m_server->command({"CLIENT", "KILL", "TYPE", "pubsub"}).toInteger() >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(!lost.isEmpty(), 20000);
        QCOMPARE(lost.first().at(1).toBool(), false);
        QTRY_VERIFY_WITH_TIMEOUT(alice.session.isLive(QStringLiteral("one"))
                                     && alice.session.isLive(QStringLiteral("two")),
                                 20000);
        QCOMPARE(alice.window.status()->subscriptionText(), QStringLiteral("Live"));
        // Leaving a channel forgets its subscription; the status follows the channel opened.
        alice.type(QStringLiteral("/leave two"));
        QTRY_VERIFY_WITH_TIMEOUT(!alice.session.isLive(QStringLiteral("two")), 20000);
        QTRY_COMPARE(alice.window.currentChannel(), QStringLiteral("one"));
        QCOMPARE(alice.window.status()->subscriptionText(), QStringLiteral("Live"));
    }

    void aLongTopicEndsInAnEllipsis()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join plans"));
        QVERIFY(alice.waitCurrent(QStringLiteral("plans")));
        const QSize size = alice.window.size();
        const QString topic = QStringLiteral("Roadmap for the next release ").repeated(12);
        alice.type(QStringLiteral("/topic ") + topic);
        QTRY_VERIFY_WITH_TIMEOUT(alice.window.topicLabel()->fullText().contains(topic.trimmed()),
                                 20000);
        ElidedLabel *label = alice.window.topicLabel();
        // The ellipsis ends the text; the topic's isolate is closed after it.
        QTRY_VERIFY(label->text().endsWith(QStringLiteral("…\u2069")));
        QVERIFY(label->fontMetrics().horizontalAdvance(label->text())
                <= label->contentsRect().width());
        QCOMPARE(label->toolTip(), PlainText::toolTip(label->fullText()));
        QCOMPARE(alice.window.size(), size); // it never widens the window
    }

    void joiningAnExistingChannelWithATopicIsNoError()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join ops"));
        QVERIFY(alice.waitCurrent(QStringLiteral("ops")));
        QSignalSpy errors(&alice.session, &ChatSession::errorOccurred);
        QSignalSpy listed(&alice.session, &ChatSession::channelsListed);
        // What the join dialog does with a topic: it is for a new channel only.
        alice.session.createChannel(QStringLiteral("ops"), QStringLiteral("a topic"));
        alice.session.requestChannelList(); // answered after the create, on the same connection
        QVERIFY(listed.wait(20000));
        QCOMPARE(errors.size(), 0);
        QCOMPARE(m_server->command({"HGET", "channel:{ops}:info", "topic"}).toString(), QString());
    }

    void rightClickingAChannelKeepsTheOpenOneHighlighted()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        for (const char *name : {"alpha", "bravo"}) {
            alice.type(QStringLiteral("/join ") + QLatin1String(name));
            QVERIFY(alice.waitCurrent(QLatin1String(name)));
        }
        QListView *list = alice.window.channelList();
        const QModelIndex alpha =
            list->model()
                ->match(list->model()->index(0, 0), ChannelListModel::NameRole,
                        QStringLiteral("alpha"), 1, Qt::MatchExactly)
                .value(0);
        const QPoint at = list->visualRect(alpha).center();
        // The menu runs its own loop; close it as soon as it shows.
        QTimer::singleShot(0, [] {
            if (QWidget *popup = QApplication::activePopupWidget())
                popup->close();
        });
        QTest::mousePress(list->viewport(), Qt::RightButton, {}, at);
        QContextMenuEvent menu(QContextMenuEvent::Mouse, at, list->viewport()->mapToGlobal(at));
        QApplication::sendEvent(list->viewport(), &menu);
        QTest::mouseRelease(list->viewport(), Qt::RightButton, {}, at);
        QCOMPARE(alice.window.currentChannel(), QStringLiteral("bravo"));
        QCOMPARE(list->currentIndex().data(ChannelListModel::NameRole).toString(),
                 QStringLiteral("bravo"));
    }

    void theChannelAndMemberListsWorkFromTheKeyboard()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        Client bob(*m_server, QStringLiteral("bob"));
        QVERIFY(alice.waitReady() && bob.waitReady());
        bob.type(QStringLiteral("/join alpha"));
        QVERIFY(bob.waitCurrent(QStringLiteral("alpha")));
        for (const char *name : {"alpha", "bravo"}) {
            alice.type(QStringLiteral("/join ") + QLatin1String(name));
            QVERIFY(alice.waitCurrent(QLatin1String(name)));
        }
        QApplication::setActiveWindow(&alice.window);
        QListView *channels = alice.window.channelList();
        QCOMPARE(channels->focusPolicy(), Qt::StrongFocus);
        channels->setFocus();
        QTRY_VERIFY(channels->hasFocus());
        // Arrows move through the list without opening; Enter opens and returns to the input.
        QTest::keyClick(channels, Qt::Key_Up);
        QCOMPARE(alice.window.currentChannel(), QStringLiteral("bravo"));
        QCOMPARE(channels->currentIndex().data(ChannelListModel::NameRole).toString(),
                 QStringLiteral("alpha"));
        QTest::keyClick(channels, Qt::Key_Return);
        QVERIFY(alice.waitCurrent(QStringLiteral("alpha")));
        QVERIFY(alice.window.input()->hasFocus());

        // In the member list, Enter on someone else opens the direct conversation.
        QListView *members = nullptr;
        for (QListView *view : alice.window.findChildren<QListView *>()) {
            if (view->accessibleName() == QStringLiteral("Members"))
                members = view;
        }
        QVERIFY(members && members != channels);
        QTRY_COMPARE_WITH_TIMEOUT(members->model() ? members->model()->rowCount() : 0, 2, 20000);
        members->setFocus();
        QTRY_VERIFY(members->hasFocus());
        int bobRow = -1;
        for (int row = 0; row < members->model()->rowCount(); ++row) {
            if (members->model()->index(row, 0).data().toString() == QStringLiteral("bob"))
                bobRow = row;
        }
        QVERIFY(bobRow >= 0);
        members->setCurrentIndex(members->model()->index(bobRow, 0));
        QTest::keyClick(members, Qt::Key_Return);
        QVERIFY(alice.waitCurrent(
            ChatSession::directChannel(QStringLiteral("alice"), QStringLiteral("bob"))));
    }

    void ctrlNJoinsAndCtrlFSearches()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.press(QKeySequence(Qt::CTRL | Qt::Key_N));
        JoinChannelDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = alice.window.findChild<JoinChannelDialog *>()));
        auto *name = dialog->findChild<QLineEdit *>();
        QVERIFY(name);
        QPushButton *join = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        // A bad name is explained in the dialog and cannot be joined.
        QTest::keyClicks(name, QStringLiteral("bad{name}"));
        QVERIFY(!join->isEnabled());
        QLabel *problem = nullptr;
        for (QLabel *label : dialog->findChildren<QLabel *>()) {
            if (label->accessibleName() == QStringLiteral("Name problem"))
                problem = label;
        }
        QVERIFY(problem && problem->isVisibleTo(dialog) && !problem->text().isEmpty());
        // The message has room: all of its lines show, above the topic field, not under it.
        QLineEdit *topic = dialog->findChildren<QLineEdit *>().value(1);
        QVERIFY(topic && topic != name);
        QTRY_VERIFY(problem->height() >= problem->heightForWidth(problem->width()));
        QVERIFY(problem->geometry().bottom() < topic->geometry().top());
        name->clear();
        QTest::keyClicks(name, QStringLiteral("planning"));
        QVERIFY(join->isEnabled());
        QVERIFY(!problem->isVisibleTo(dialog));
        QTest::keyClick(name, Qt::Key_Return);
        QVERIFY(alice.waitCurrent(QStringLiteral("planning")));

        alice.type(QStringLiteral("where is the needle"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("planning")).size(), 1, 20000);
        // Escape closes the search bar (the window's Escape, mark read, does not take it).
        alice.press(QKeySequence(Qt::CTRL | Qt::Key_F));
        auto *search = alice.window.findChild<SearchBar *>();
        QTRY_VERIFY(search && search->isVisible());
        QTRY_VERIFY(search->findChild<QLineEdit *>()->hasFocus());
        QTest::keyClick(search->findChild<QLineEdit *>(), Qt::Key_Escape);
        QTRY_VERIFY(!search->isVisible());
        alice.press(QKeySequence(Qt::CTRL | Qt::Key_F));
        QVERIFY(search);
        QTRY_VERIFY(search->isVisible());
        QLineEdit *query = search->findChild<QLineEdit *>();
        QVERIFY(query);
        QTRY_VERIFY(query->hasFocus());
        QTest::keyClicks(query, QStringLiteral("needle"));
        MessageLogView *log = alice.window.logView();
        // The match is highlighted (selected), not its whole row; the bar counts the matches.
        QTRY_COMPARE(log->selectedText(), QStringLiteral("needle"));
        QVERIFY(!log->selectionModel()->hasSelection());
        QCOMPARE(search->resultText(), QStringLiteral("1 of 1"));

        alice.type(QStringLiteral("a needle, another Needle"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("planning")).size(), 2, 20000);
        query->setFocus();
        query->setText(QString());
        QTest::keyClicks(query, QStringLiteral("needle"));
        QTRY_COMPARE(search->resultText(), QStringLiteral("3 of 3")); // the newest first
        QCOMPARE(log->selectedText(), QStringLiteral("Needle"));
        QTest::keyClick(query, Qt::Key_Return); // older
        QCOMPARE(search->resultText(), QStringLiteral("2 of 3"));
        QCOMPARE(log->selectedText(), QStringLiteral("needle"));
        QTest::keyClick(query, Qt::Key_Return);
        QTest::keyClick(query, Qt::Key_Return); // past the oldest
        QVERIFY2(search->resultText().startsWith(QStringLiteral("1 of 3")),
                 qPrintable(search->resultText()));
        // Closing the bar takes the highlight away.
        QTest::keyClick(query, Qt::Key_Escape);
        QTRY_VERIFY(!search->isVisible());
        QVERIFY(!log->hasSelectedText());
    }

    void geometryAndSplitterAreRestored()
    {
        QList<int> sizes;
        {
            AppSettings settings;
            ChatSession session(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
            MainWindow window(&session, &settings);
            window.show();
            window.resize(930, 610);
            auto *splitter = window.findChild<QSplitter *>(QStringLiteral("mainSplitter"));
            QVERIFY(splitter);
            splitter->setSizes({300, 450, 180});
            sizes = splitter->sizes();
            QVERIFY(sizes != QList<int>({220, 700, 160}));
            // Members hidden from the Go menu stay hidden.
            auto *members = window.findChild<QAction *>(QStringLiteral("showMembers"));
            QVERIFY(members && members->isChecked());
            members->trigger();
            window.close();
        }
        AppSettings settings;
        ChatSession session(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        MainWindow window(&session, &settings);
        QCOMPARE(window.size(), QSize(930, 610));
        window.show();
        QVERIFY(!window.findChild<QAction *>(QStringLiteral("showMembers"))->isChecked());
        const QList<int> restored =
            window.findChild<QSplitter *>(QStringLiteral("mainSplitter"))->sizes();
        QCOMPARE(restored.value(2), 0); // the member pane is hidden; the log has its room
        QCOMPARE(restored.value(0), sizes.value(0));
    }

    void connectionSettingsApplyAtOnce()
    {
        RedisServerFixture other;
        QVERIFY2(other.start(), qPrintable(other.errorString()));
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join here"));
        QVERIFY(alice.waitCurrent(QStringLiteral("here")));
        alice.type(QStringLiteral("said on the first server"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("here")).size(), 1, 20000);

        alice.window.showConnectionDialog();
        ConnectionDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = alice.window.findChild<ConnectionDialog *>()));
        // It opens on the server in use.
        QCOMPARE(dialog->options().endpoint(), alice.session.endpoint());
        const RedisOptions target = ThreadedWorker::configFor(other, QStringLiteral("alice")).redis;
        dialog->setOptions(target);
        dialog->accept();

        // The first server's channels are gone; the status bar names the new one.
        QTRY_COMPARE_WITH_TIMEOUT(alice.session.channels()->rowCount(), 0, 20000);
        QCOMPARE(alice.window.currentChannel(), QString());
        QCOMPARE(alice.session.endpoint(), target.endpoint());
        QTRY_VERIFY_WITH_TIMEOUT(alice.window.status()->connectionText()
                                     == QStringLiteral("Connected to ") + target.endpoint(),
                                 20000);
        QVERIFY(alice.waitReady());
        QCOMPARE(alice.session.userName(), QStringLiteral("alice"));
        QVERIFY(AppSettings().connectionOptions().endpoint() == target.endpoint());

        // Everything from now on happens there.
        alice.type(QStringLiteral("/join there"));
        QVERIFY(alice.waitCurrent(QStringLiteral("there")));
        alice.type(QStringLiteral("said on the second server"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("there")),
                                  QStringList{QStringLiteral("said on the second server")}, 20000);
        QCOMPARE(other.command({"SISMEMBER", "channel:index", "there"}).toInteger(), 1);
        QCOMPARE(m_server->command({"SISMEMBER", "channel:index", "there"}).toInteger(), 0);
        QCOMPARE(m_server->command({"XLEN", "channel:{here}:log"}).toInteger(), 2); // join + msg
    }

    void messagesWaitingForOneServerNeverGoToAnother()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        RedisServerFixture other;
        QVERIFY2(other.start(), qPrintable(other.errorString()));
        ChatSession session(ThreadedWorker::configFor(*m_server, QStringLiteral("alice"),
                                                      dir.filePath(QStringLiteral("outbox.json"))));
        session.start();
        QTRY_VERIFY_WITH_TIMEOUT(session.isReady(), 20000);
        session.joinChannel(QStringLiteral("here"));
        QTRY_VERIFY_WITH_TIMEOUT(session.log(QStringLiteral("here")), 20000);
        const RedisOptions first = session.redisOptions();

        // Written while the first server is down: it waits in that server's outbox.
        m_server->stop();
        QTRY_VERIFY_WITH_TIMEOUT(session.connectionState() != RedisConnection::State::Connected,
                                 20000);
        session.sendMessage(QStringLiteral("here"), QStringLiteral("for the first server"));
        QTRY_COMPARE_WITH_TIMEOUT(session.outboxCount(), 1, 20000);

        // Another server: its outbox is another, empty one; nothing goes out there.
        session.switchServer(ThreadedWorker::configFor(other, QStringLiteral("alice")).redis);
        QTRY_VERIFY_WITH_TIMEOUT(
            session.isReady() && session.connectionState() == RedisConnection::State::Connected,
            20000);
        QTRY_COMPARE_WITH_TIMEOUT(session.outboxCount(), 0, 20000);
        QCOMPARE(other.command({"EXISTS", "channel:{here}:log"}).toInteger(), 0);
        // It is kept in the first server's file.
        const QStringList files = QDir(dir.path()).entryList({QStringLiteral("outbox-*.json")});
        QCOMPARE(files.size(), 1);
        QFile kept(dir.filePath(files.first()));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QVERIFY(kept.readAll().contains("for the first server"));

        // Back on the first one, it goes out there.
        QVERIFY(m_server->restart());
        session.switchServer(first);
        QTRY_VERIFY_WITH_TIMEOUT(m_server->command({"XRANGE", "channel:{here}:log", "-", "+"})
                                     .toDebugString()
                                     .contains(QStringLiteral("for the first server")),
                                 30000);
        QCOMPARE(other.command({"EXISTS", "channel:{here}:log"}).toInteger(), 0);
    }

    void theTrayIconCarriesTheUnreadCount()
    {
        QPixmap green(32, 32);
        green.fill(QColor(0x20, 0xa0, 0x40));
        const QIcon base(green);
        QCOMPARE(UnreadBadgeIcon::compose(base, 0).cacheKey(), base.cacheKey());
        const QImage badged = UnreadBadgeIcon::compose(base, 5).pixmap(32, 32).toImage();
        // The badge sits in the bottom right corner; the rest of the icon is untouched.
        QCOMPARE(badged.pixelColor(2, 2), QColor(0x20, 0xa0, 0x40));
        const QColor corner = badged.pixelColor(26, 27);
        QVERIFY2(corner.red() > 150 && corner.green() < 90, qPrintable(corner.name()));
        bool hasWhite = false; // the digit
        for (int y = 12; y < 32; ++y) {
            for (int x = 12; x < 32; ++x)
                hasWhite = hasWhite || badged.pixelColor(x, y).lightness() > 230;
        }
        QVERIFY(hasWhite);
        QCOMPARE(UnreadBadgeIcon::label(7), QStringLiteral("7"));
        QCOMPARE(UnreadBadgeIcon::label(150), QStringLiteral("99+"));
    }

    // A narrow window gives the log the room; the Go menu's ticks say what is shown and
    // still work there (Show Members stayed ticked and did nothing); widening brings back
    // what the user chose for wide windows. Too small a window is not allowed.
    void aNarrowWindowGivesTheSidePanelsRoomToTheLog()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        auto *members = alice.window.findChild<QAction *>(QStringLiteral("showMembers"));
        auto *channels = alice.window.findChild<QAction *>(QStringLiteral("showChannels"));
        QVERIFY(members && channels);
        auto *splitter = alice.window.findChild<QSplitter *>(QStringLiteral("mainSplitter"));
        QWidget *memberPane = splitter->widget(2);
        QWidget *channelPane = splitter->widget(0);
        QVERIFY(members->isChecked() && memberPane->isVisible());
        const int wide = alice.window.logView()->width();

        alice.window.resize(700, 600);
        QTRY_VERIFY(!memberPane->isVisible());
        QVERIFY(!members->isChecked()); // says what is shown
        QVERIFY(channelPane->isVisible() && channels->isChecked());
        QTRY_VERIFY(alice.window.logView()->width() >= 700 - 300);
        members->trigger(); // still works when narrow
        QTRY_VERIFY(memberPane->isVisible());
        QVERIFY(members->isChecked());

        alice.window.resize(500, 600);
        QTRY_VERIFY(!channelPane->isVisible());
        QVERIFY(!channels->isChecked());
        channels->trigger();
        QTRY_VERIFY(channelPane->isVisible());

        alice.window.resize(1000, 640);
        QTRY_VERIFY(memberPane->isVisible() && channelPane->isVisible());
        QVERIFY(members->isChecked() && channels->isChecked());
        QTRY_COMPARE(alice.window.logView()->width(), wide);
        // In a wide window the action is the saved choice.
        channels->trigger();
        QTRY_VERIFY(!channelPane->isVisible());
        QVERIFY(!alice.settings.channelsVisible());
        channels->trigger();
        QTRY_VERIFY(channelPane->isVisible());

        alice.window.resize(300, 250);
        QTRY_VERIFY(alice.window.width() >= MainWindow::MinimumWidth
                    && alice.window.height() >= MainWindow::MinimumHeight);
        QVERIFY(alice.window.logView()->height() > 80);
    }

    void burstsOfMentionsGiveOneNotificationAndASummary()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        QVERIFY(alice.waitReady());
        alice.type(QStringLiteral("/join ops"));
        QVERIFY(alice.waitCurrent(QStringLiteral("ops")));
        alice.type(QStringLiteral("/join dev"));
        QVERIFY(alice.waitCurrent(QStringLiteral("dev")));
        alice.window.notifier()->setQuietInterval(1000);
        // Another window has the focus: alice is not looking.
        QWidget elsewhere;
        elsewhere.show();
        QApplication::setActiveWindow(&elsewhere);
        QTRY_VERIFY(!alice.window.isActiveWindow());
        QSignalSpy shown(alice.window.notifier(), &AttentionNotifier::notify);

        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        QVERIFY(bob.waitForReady());
        bob.run([w = bob.worker()] {
            w->joinChannel(QStringLiteral("dev"));
            w->joinChannel(QStringLiteral("ops"));
            w->sendMessage(QStringLiteral("dev"), QStringLiteral("alice: first"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, 20000);
        QCOMPARE(shown.at(0).at(0).toString(), QStringLiteral("bob in #dev"));
        QCOMPARE(shown.at(0).at(1).toString(), QStringLiteral("alice: first"));
        QCOMPARE(shown.at(0).at(2).toString(), QStringLiteral("dev"));
        // Two channels are read independently: the burst follows once the first is shown.
        bob.run([w = bob.worker()] {
            for (int i = 0; i < 4; ++i)
                w->sendMessage(QStringLiteral("ops"), QStringLiteral("alice, %1").arg(i));
        });
        // The other four come as one summary once the quiet interval is over.
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 2, 20000);
        QCOMPARE(shown.at(1).at(0).toString(), QStringLiteral("4 more messages for you"));
        QCOMPARE(shown.at(1).at(1).toString(), QStringLiteral("#ops"));
        QCOMPARE(shown.at(1).at(2).toString(), QStringLiteral("ops"));

        // Looking at the window drops what was held back.
        bob.run([w = bob.worker()] {
            w->sendMessage(QStringLiteral("ops"), QStringLiteral("alice: again"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 3, 20000);
        bob.run([w = bob.worker()] {
            w->sendMessage(QStringLiteral("ops"), QStringLiteral("alice: and again"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(alice.unread(QStringLiteral("ops")), 6, 20000);
        QApplication::setActiveWindow(&alice.window);
        QTRY_VERIFY(alice.window.isActiveWindow());
        QVERIFY(!shown.wait(2000)); // no summary of what was seen
        QCOMPARE(shown.size(), 3);
    }

    void screenshots()
    {
        Client alice(*m_server, QStringLiteral("alice"));
        // bob and carol have the app open (carol stepped out); dave joined once and left it.
        const auto present = [this](const QString &user) {
            ChatConfig config = ThreadedWorker::configFor(*m_server, user);
            config.announcePresence = true;
            return config;
        };
        ThreadedWorker bob(present(QStringLiteral("bob")));
        ThreadedWorker carol(present(QStringLiteral("carol")));
        ThreadedWorker dave(ThreadedWorker::configFor(*m_server, QStringLiteral("dave")));
        QVERIFY(alice.waitReady() && bob.waitForReady() && carol.waitForReady()
                && dave.waitForReady());
        carol.run([w = carol.worker()] {
            w->setPresence(Presence::State::Away, QStringLiteral("lunch, back at 2"));
        });
        dave.run([w = dave.worker()] { w->joinChannel(QStringLiteral("general")); });
        QVERIFY(dave.waitForJoined(QStringLiteral("general")));
        for (const char *name : {"design", "random", "releases"}) {
            alice.type(QStringLiteral("/join ") + QLatin1String(name));
            QVERIFY(alice.waitCurrent(QLatin1String(name)));
        }
        alice.type(QStringLiteral("/join general"));
        QVERIFY(alice.waitCurrent(QStringLiteral("general")));
        alice.type(QStringLiteral("/topic Team chat — be kind, ship often"));
        for (ThreadedWorker *w : {&bob, &carol}) {
            w->run([worker = w->worker()] { worker->joinChannel(QStringLiteral("general")); });
            QVERIFY(w->waitForJoined(QStringLiteral("general")));
        }
        const QList<std::pair<ThreadedWorker *, QString>> script{
            {&bob, QStringLiteral("Morning! Did the 0.1 build go out?")},
            {&carol,
             QStringLiteral("It did, the packages are on https://example.org/confab/releases "
                            "(checksums in the notes).")},
            {&bob,
             QStringLiteral(
                 "Nice. alice, can you look at the reconnect logic when you have a minute?")},
        };
        // One at a time: two senders racing would put the answer before the question.
        for (const auto &[who, text] : script) {
            const qsizetype before = alice.texts(QStringLiteral("general")).size();
            who->run(
                [w = who->worker(), text] { w->sendMessage(QStringLiteral("general"), text); });
            QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("general")).size(), before + 1,
                                      20000);
        }
        alice.type(QStringLiteral("Sure — I'll take it after lunch. The backoff tops out at ten "
                                  "seconds, with jitter, so a restart "
                                  "of the server does not stampede every client at once."));
        alice.type(QStringLiteral("/me grabs a coffee"));
        carol.run([w = carol.worker()] {
            w->joinChannel(QStringLiteral("random"));
            w->joinChannel(QStringLiteral("releases"));
            w->sendMessage(QStringLiteral("general"), QStringLiteral("<b>tags</b> stay as typed"));
            w->sendMessage(QStringLiteral("random"), QStringLiteral("anyone up for lunch?"));
            w->sendMessage(QStringLiteral("releases"), QStringLiteral("0.1.1 is tagged"));
        });
        // Another program's malformed entry, added and announced atomically (PROTOCOL.md).
        m_server->command({"EVAL",
                           "redis.call('XADD', KEYS[1], '*', 'type', 'msg', 'text', ARGV[1]) "
                           "return redis.call('PUBLISH', ARGV[2], 'new')",
                           "1", "channel:{general}:log", "written by a script \xff",
                           "channel:{general}"});
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("general")).size(), 6, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(alice.unread(QStringLiteral("releases")) == 1, 20000);
        // Everyone who joined is listed, however their join and the list read interleaved.
        QTRY_COMPARE_WITH_TIMEOUT(alice.session.members(QStringLiteral("general"))->members(),
                                  QStringList({QStringLiteral("alice"), QStringLiteral("bob"),
                                               QStringLiteral("carol"), QStringLiteral("dave")}),
                                  20000);
        // Presence, online first: alice and bob, carol away, dave offline.
        QTRY_COMPARE_WITH_TIMEOUT(alice.session.presenceOf(QStringLiteral("carol")).state,
                                  Presence::State::Away, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(alice.session.presenceOf(QStringLiteral("bob")).state,
                                  Presence::State::Online, 20000);
        QListView *memberList = nullptr;
        for (QListView *view : alice.window.findChildren<QListView *>()) {
            if (view->accessibleName() == QStringLiteral("Members"))
                memberList = view;
        }
        QVERIFY(memberList && memberList->model());
        const auto shownOrder = [memberList] {
            QStringList names;
            for (int row = 0; row < memberList->model()->rowCount(); ++row)
                names << memberList->model()
                             ->index(row, 0)
                             .data(MemberListModel::NameRole)
                             .toString();
            return names;
        };
        QTRY_COMPARE_WITH_TIMEOUT(shownOrder(),
                                  QStringList({QStringLiteral("alice"), QStringLiteral("bob"),
                                               QStringLiteral("carol"), QStringLiteral("dave")}),
                                  20000);
        // What a screen reader says for the dot.
        QCOMPARE(memberList->model()->index(2, 0).data(Qt::AccessibleTextRole).toString(),
                 QStringLiteral("carol, away: lunch, back at 2"));
        // dave comes online: he moves up among those here, and down again when he leaves.
        dave.run([w = dave.worker()] { w->setPresence(Presence::State::Online, QString()); });
        QTRY_COMPARE_WITH_TIMEOUT(shownOrder(),
                                  QStringList({QStringLiteral("alice"), QStringLiteral("bob"),
                                               QStringLiteral("dave"), QStringLiteral("carol")}),
                                  20000);
        dave.run([w = dave.worker()] { w->setPresence(Presence::State::Offline, QString()); });
        QTRY_COMPARE_WITH_TIMEOUT(shownOrder(),
                                  QStringList({QStringLiteral("alice"), QStringLiteral("bob"),
                                               QStringLiteral("carol"), QStringLiteral("dave")}),
                                  20000);

        // bob is typing: said under the input, and gone once he sends.
        QLabel *typingLine = nullptr;
        for (QLabel *label : alice.window.findChildren<QLabel *>()) {
            if (label->accessibleName() == QStringLiteral("Typing"))
                typingLine = label;
        }
        QVERIFY(typingLine);
        QVERIFY(typingLine->text().isEmpty());
        // In the order they start.
        bob.run([w = bob.worker()] { w->setTyping(QStringLiteral("general"), true); });
        QTRY_COMPARE_WITH_TIMEOUT(typingLine->text(),
                                  TypingTracker::describe({QStringLiteral("bob")}), 20000);
        carol.run([w = carol.worker()] { w->setTyping(QStringLiteral("general"), true); });
        QTRY_COMPARE_WITH_TIMEOUT(
            typingLine->text(),
            TypingTracker::describe({QStringLiteral("bob"), QStringLiteral("carol")}), 20000);
        carol.run([w = carol.worker()] { w->setTyping(QStringLiteral("general"), false); });
        QTRY_COMPARE_WITH_TIMEOUT(typingLine->text(),
                                  TypingTracker::describe({QStringLiteral("bob")}), 20000);

        alice.window.resize(1100, 700);
        saveInBothThemes(alice, &alice.window, "mainwindow");

        // Where the unread messages of #random begin, when it is opened.
        bob.run([w = bob.worker()] { w->joinChannel(QStringLiteral("random")); });
        QVERIFY(bob.waitForJoined(QStringLiteral("random")));
        bob.run([w = bob.worker()] {
            w->sendMessage(QStringLiteral("random"), QStringLiteral("count me in, 12:30?"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(alice.unread(QStringLiteral("random")), 2, 20000);
        alice.window.openChannel(QStringLiteral("random"));
        QVERIFY(alice.waitCurrent(QStringLiteral("random")));
        QVERIFY(alice.session.log(QStringLiteral("random"))->hasNewMessagesLine());
        saveInBothThemes(alice, &alice.window, "newmessages");
    }

private:
    // STEM-light.png and STEM-dark.png of `widget`, in CONFAB_SCREENSHOT_DIR (else the
    // working directory), with `client`'s window in each theme.
    static void saveInBothThemes(Client &client, QWidget *widget, const char *stem)
    {
        const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR", QDir::currentPath());
        for (const auto &[theme, name] : {std::pair{AppSettings::Theme::Light, "light"},
                                          std::pair{AppSettings::Theme::Dark, "dark"}}) {
            client.settings.setTheme(theme);
            client.window.applySettings();
            QApplication::processEvents();
            const QString path = QDir(dir).filePath(
                QStringLiteral("%1-%2.png").arg(QLatin1String(stem), QLatin1String(name)));
            QVERIFY2(widget->grab().save(path), qPrintable(path));
            qInfo("screenshot: %s", qPrintable(path));
        }
    }

    IsolatedSettings m_settings;
    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_MAIN(tst_MainWindow)
#include "tst_MainWindow.moc"
