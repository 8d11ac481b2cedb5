#pragma once

#include "chat/ChannelInfo.h"

#include <QIcon>
#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QListView;
class QSplitter;
class QSystemTrayIcon;
class QToolButton;

namespace Confab {

class AppSettings;
class AttentionNotifier;
class DesktopNotifier;
class DraftKeeper;
class SidePaneToggle;
class ChannelOrderModel;
class ChatSession;
class ConnectionStatus;
class ElidedLabel;
class MessageInput;
class MemberListModel;
class MemberOrderModel;
class IdleWatcher;
class MessageLogView;
class NoticeBar;
class SearchBar;
class ServerOverviewDock;
struct ChatMessage;

// The application window: channel list on the left, topic, message log and input in the
// centre, members on the right, connection status at the bottom. It shows what the
// ChatSession's models hold and turns what the user does (typing, slash commands, shortcuts,
// clicks) into ChatSession calls; it never talks to Redis itself.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // Narrower than this, the member list gives its room to the log.
    static constexpr int NarrowWidth = 760; // narrower: the member list steps aside
    static constexpr int VeryNarrowWidth = 560; // narrower: the channel list too
    static constexpr int MinimumWidth = 420;
    static constexpr int MinimumHeight = 320;

    MainWindow(ChatSession *session, AppSettings *settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    QString currentChannel() const;
    void openChannel(const QString &channel);
    // Runs what the user typed: a slash command or a message to the current channel.
    void submit(const QString &text);
    // Shows the window, restored and raised (a second start, the tray, a notification).
    void bringToFront();
    // A line above the input: what went wrong, or something worth knowing.
    void showNotice(const QString &text, bool error = false);
    // Closes without asking about unsent messages (they stay in the outbox): a logout or
    // SIGTERM must not wait for an answer.
    void quitNow();
    // Says that the server in use is a private one on this computer, which teammates cannot
    // reach, and how to connect to a shared one.
    void showPrivateServerNotice(const QString &where);

    // For tests and screenshots.
    MessageLogView *logView() const { return m_log; }
    MessageInput *input() const { return m_input; }
    QListView *channelList() const { return m_channelList; }
    ConnectionStatus *status() const { return m_status; }
    QToolButton *identityButton() const { return m_identity; }
    NoticeBar *noticeBar() const { return m_notice; }
    ElidedLabel *topicLabel() const { return m_topic; }
    QAction *action(const QString &id) const;
    AttentionNotifier *notifier() const { return m_notifier; }
    ServerOverviewDock *serverOverview() const { return m_overview; }

public Q_SLOTS:
    void switchChannel(int step);
    void switchUnreadChannel(int step);
    void switchToChannelNumber(int n);
    void markCurrentRead();
    void showQuickSwitcher();
    void showShortcutsSheet();
    void showJoinDialog();
    // The people directory.
    void showPeople();
    // Who `account` is, in a card next to `at` (global).
    void showUserCard(const QString &account, const QPoint &at);
    // Opens the direct conversation with `account`.
    void messagePerson(const QString &account);
    void showPreferences();
    void showConnectionDialog();
    void showAbout();
    void startSearch();
    void applySettings();

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

Q_SIGNALS:
    // A fresh list of the server's channels came.
    void knownChannelsChanged();

private:
    void buildLayout();
    void buildActions();
    void buildMenus();
    void buildNotifications();
    void connectSession();
    void onCurrentChannelChanged(const QString &channel);
    void onAttention(const QString &channel, const ChatMessage &message);
    void updateTitle();
    void updateTopic();
    void updateMembers();
    void updateTypingLine();
    void updateTray();
    void updateMemberPane();
    void updateIdentity();
    void changeIdentity();
    void chooseAccount(const QString &refused, const QString &reason);
    QAction *addShortcutAction(const QString &id, std::function<void()> trigger);
    QStringList channelNames() const;

    ChatSession *m_session;
    AppSettings *m_settings;
    ChannelOrderModel *m_order = nullptr;
    QSplitter *m_splitter = nullptr;
    QListView *m_channelList = nullptr;
    QToolButton *m_addChannel = nullptr;
    ElidedLabel *m_topic = nullptr;
    SearchBar *m_search = nullptr;
    MessageLogView *m_log = nullptr;
    NoticeBar *m_notice = nullptr;
    MessageInput *m_input = nullptr;
    DraftKeeper *m_drafts = nullptr;
    QListView *m_memberList = nullptr;
    QPointer<MemberListModel> m_watchedMembers;
    MemberOrderModel *m_memberOrder = nullptr;
    IdleWatcher *m_idle = nullptr;
    QLabel *m_typingLine = nullptr;
    QString m_typingChannel; // where the input's text is being typed
    QMetaObject::Connection m_watchedLogRows;
    // Away because of idleness (not by /away): input brings the user back.
    bool m_autoAway = false;
    QWidget *m_memberPane = nullptr;
    QWidget *m_channelPane = nullptr;
    SidePaneToggle *m_channelsToggle = nullptr;
    SidePaneToggle *m_membersToggle = nullptr;
    QAction *m_showMembers = nullptr;
    ConnectionStatus *m_status = nullptr;
    QToolButton *m_identity = nullptr;
    QString m_refusedAccount; // the account the server refused, until another is accepted
    QString m_refusedReason;
    QSystemTrayIcon *m_tray = nullptr;
    QIcon m_trayIcon; // without the unread badge
    AttentionNotifier *m_notifier = nullptr;
    DesktopNotifier *m_desktopNotifier = nullptr;
    QHash<QString, QAction *> m_actions;
    QString m_pendingOpen; // a channel asked for before it was joined
    QString m_previousChannel; // the one open before the current one (the quick switcher's pick)
    // Every channel on the server, as last listed (the quick switcher offers to join them).
    ChannelInfoList m_knownChannels;
    bool m_quietListing = false; // the next listing is for the switcher, not for /channels
    bool m_statsNoticeWanted = false; // /stats is waiting for figures
    ServerOverviewDock *m_overview = nullptr;
    QString m_notifiedChannel; // where the last desktop notification came from
    bool m_quitConfirmed = false; // unsent messages were mentioned, and the user quit anyway
};

} // namespace Confab
