#include "MainWindow.h"

#include "AppSettings.h"
#include "AttentionNotifier.h"
#include "ChannelDelegate.h"
#include "ConnectionDialog.h"
#include "ConnectionStatus.h"
#include "DesktopNotifier.h"
#include "DraftKeeper.h"
#include "ElidedLabel.h"
#include "IdentityDialog.h"
#include "IdleWatcher.h"
#include "JoinChannelDialog.h"
#include "MemberDelegate.h"
#include "MessageInput.h"
#include "MessageLogView.h"
#include "NoticeBar.h"
#include "PasswordStore.h"
#include "PeopleDialog.h"
#include "PlainText.h"
#include "PlainToolTipFilter.h"
#include "PreferencesDialog.h"
#include "QuickSwitcher.h"
#include "ServerOverviewDock.h"
#include "UserCard.h"

#include "SearchBar.h"
#include "ShortcutTable.h"
#include "ShortcutsSheet.h"
#include "SidePaneToggle.h"
#include "Theme.h"
#include "UnreadBadgeIcon.h"
#include <QConcatenateTablesProxyModel>
#include <QStandardItemModel>

#include "chat/ChatKeys.h"
#include "chat/DisplayText.h"
#include "chat/NameRule.h"
#include "chat/SlashCommand.h"
#include "model/ChannelListModel.h"
#include "model/ChannelOrderModel.h"
#include "model/ChatSession.h"
#include "model/MemberListModel.h"
#include "model/MemberOrderModel.h"
#include "model/MessageLogModel.h"
#include "model/TypingTracker.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QToolButton>
#include <QVBoxLayout>

namespace Confab {

namespace {

// Joined channels followed by places to go, under the channel list's role names (which Qt 6.4's
// concatenating proxy does not pass on), so that the switcher finds "unread" and "hint".
class SwitchTargets : public QConcatenateTablesProxyModel
{
public:
    SwitchTargets(QHash<int, QByteArray> roleNames, QObject *parent)
        : QConcatenateTablesProxyModel(parent)
        , m_roleNames(std::move(roleNames))
    { }
    QHash<int, QByteArray> roleNames() const override { return m_roleNames; }

private:
    QHash<int, QByteArray> m_roleNames;
};

} // namespace

MainWindow::MainWindow(ChatSession *session, AppSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_settings(settings)
{
    setObjectName(QStringLiteral("MainWindow"));
    // Below this the log is a strip with nothing readable in it.
    setMinimumSize(MinimumWidth, MinimumHeight);
    buildLayout();
    buildActions();
    buildMenus();
    buildNotifications();
    connectSession();
    applySettings();
    updateTitle();
    updateTopic();

    if (!restoreGeometry(m_settings->windowGeometry()))
        resize(1100, 720);
    m_splitter->restoreState(m_settings->windowState());
    m_input->setFocus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout()
{
    // Left: the channel list with its header and "+" button.
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(0);
    auto *header = new QWidget(left);
    auto *headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(12, 8, 6, 6);
    auto *title = new QLabel(tr("Channels"), header);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    title->setFont(titleFont);
    m_addChannel = new QToolButton(header);
    m_addChannel->setText(QStringLiteral("+"));
    m_addChannel->setAutoRaise(true);
    m_addChannel->setToolTip(tr("Join or create a channel"));
    m_addChannel->setAccessibleName(tr("Join or create a channel"));
    connect(m_addChannel, &QToolButton::clicked, this, &MainWindow::showJoinDialog);
    headerLayout->addWidget(title, 1);
    headerLayout->addWidget(m_addChannel);

    m_order = new ChannelOrderModel(this);
    m_order->setSourceModel(m_session->channels());
    m_channelList = new QListView(left);
    m_channelList->setAccessibleName(tr("Channel list"));
    m_channelList->setModel(m_order);
    m_channelList->setItemDelegate(new ChannelDelegate(
        [this](const QString &name) { return m_session->displayName(name); }, m_channelList,
        [this](const QString &name) {
            return m_session->presenceOf(ChatKeys::directPeer(name, m_session->userName())).state;
        }));
    PlainToolTipFilter::install(m_channelList); // topics are tooltips
    m_channelList->setFrameShape(QFrame::NoFrame);
    m_channelList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_channelList->setContextMenuPolicy(Qt::CustomContextMenu);
    // Reachable with Tab (and by screen readers): arrows move, Enter opens, the menu key
    // opens the context menu of the current row.
    m_channelList->setFocusPolicy(Qt::StrongFocus);
    const auto openRow = [this](const QModelIndex &index) {
        openChannel(index.data(ChannelListModel::NameRole).toString());
    };
    connect(m_channelList, &QListView::clicked, this, openRow);
    connect(m_channelList, &QListView::activated, this, openRow);
    connect(m_channelList, &QListView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QString name =
            m_channelList->indexAt(pos).data(ChannelListModel::NameRole).toString();
        if (name.isEmpty())
            return;
        QMenu menu(this);
        menu.addAction(tr("Mark as Read"), this, [this, name] { m_session->markRead(name); });
        menu.addAction(tr("Copy Name"), this, [this, name] {
            // "#dev" or "@bob", as shown: a direct conversation's key means nothing to anyone.
            QGuiApplication::clipboard()->setText(m_session->channels()->label(name));
        });
        menu.addSeparator();
        menu.addAction(ChatKeys::isDirectChannel(name)
                           ? tr("Close Conversation")
                           : PlainText::forAction(tr("Leave #%1").arg(DisplayText::isolated(name))),
                       this, [this, name] { m_session->leaveChannel(name); });
        menu.exec(m_channelList->viewport()->mapToGlobal(pos));
        // The press moved the list's highlight to the row clicked; the open channel keeps it.
        const int open = m_order->rowOf(currentChannel());
        m_channelList->setCurrentIndex(open >= 0 ? m_order->index(open, 0) : QModelIndex());
    });
    leftLayout->addWidget(header);
    leftLayout->addWidget(m_channelList, 1);

    // Centre: topic, search, log, notices, input.
    auto *centre = new QWidget(this);
    auto *centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    m_topic = new ElidedLabel(centre);
    m_topic->setAccessibleName(tr("Channel topic"));
    m_topic->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_topic->setContentsMargins(12, 8, 12, 8);
    m_topic->setMinimumWidth(100);
    m_log = new MessageLogView(centre);
    m_search = new SearchBar(m_log, centre);
    m_notice = new NoticeBar(centre);
    m_input = new MessageInput(centre);
    m_input->setCompletionSources(
        [this] {
            MemberListModel *members = m_session->members(currentChannel());
            return members ? members->members() : QStringList();
        },
        [this] { return channelNames(); });
    connect(m_input, &MessageInput::submitted, this, &MainWindow::submit);
    m_drafts = new DraftKeeper(m_input, m_settings, this);
    connect(m_notice, &NoticeBar::linkActivated, this, [this](const QUrl &url) {
        // The /channels listing's links: confab:join/NAME.
        if (url.scheme() != u"confab" || !url.path().startsWith(QLatin1String("join/")))
            return;
        const QString name = url.path().mid(5);
        if (NameRule::isValid(name))
            openChannel(name);
    });
    connect(m_log, &MessageLogView::authorClicked, this, &MainWindow::showUserCard);
    connect(m_log, &MessageLogView::linkNotOpened, this, [this](const QUrl &url) {
        // Clicking must never look like nothing happened: say so, and keep the link at hand.
        QGuiApplication::clipboard()->setText(url.toString());
        showNotice(tr("No web browser could be started for %1. The link is copied: paste it "
                      "into a browser.")
                       .arg(url.toDisplayString()),
                   true);
    });
    connect(m_log, &MessageLogView::retryRequested, this,
            [this](const QByteArray &cid) { m_session->retryFailed(currentChannel(), cid); });
    connect(m_log, &MessageLogView::discardRequested, this,
            [this](const QByteArray &cid) { m_session->takeFailed(currentChannel(), cid); });
    connect(m_log, &MessageLogView::editRequested, this, [this](const QByteArray &cid) {
        const std::optional<ChatMessage> message = m_session->takeFailed(currentChannel(), cid);
        if (!message)
            return;
        // Into the input, after whatever is being typed there, with "/me" for an action.
        // Typed back as it would be typed: "/me" for an action, "//" for a leading slash.
        QString text = message->type == ChatMessage::Type::Action
            ? QStringLiteral("/me ") + message->text
            : (message->text.startsWith(u'/') ? u'/' + message->text : message->text);
        const QString typed = m_input->toPlainText();
        if (!typed.isEmpty())
            text = typed + u'\n' + text;
        m_input->setDraft({text, int(text.size())});
        m_input->setFocus();
    });
    connect(m_log, &MessageLogView::textTyped, this, [this](const QString &text) {
        m_input->setFocus();
        m_input->insertPlainText(text);
    });
    connect(m_input, &MessageInput::pageRequested, this, [this](int direction) {
        m_log->verticalScrollBar()->triggerAction(direction < 0
                                                      ? QAbstractSlider::SliderPageStepSub
                                                      : QAbstractSlider::SliderPageStepAdd);
    });
    auto *inputRow = new QWidget(centre);
    auto *inputLayout = new QHBoxLayout(inputRow);
    inputLayout->setContentsMargins(8, 6, 8, 0);
    inputLayout->addWidget(m_input);
    // Who is typing, under the input. Its line is always there, so that the input does not
    // jump when someone starts.
    m_typingLine = new QLabel(centre);
    m_typingLine->setAccessibleName(tr("Typing"));
    m_typingLine->setContentsMargins(12, 1, 8, 3);
    Theme::styleAsHint(m_typingLine);
    m_typingLine->setFixedHeight(m_typingLine->fontMetrics().height() + 4);
    connect(m_session->typing(), &TypingTracker::changed, this, [this](const QString &channel) {
        if (channel == currentChannel())
            updateTypingLine();
    });
    connect(m_session, &ChatSession::peerReadChanged, this, [this](const QString &channel) {
        if (channel == currentChannel())
            updateTypingLine();
    });
    connect(m_input, &QPlainTextEdit::textChanged, this, [this] {
        const QString channel = currentChannel();
        if (channel != m_typingChannel) {
            // Another conversation: its restored draft is not typing, and the old one stops.
            if (!m_typingChannel.isEmpty())
                m_session->setTyping(m_typingChannel, false);
            m_typingChannel = channel;
            return;
        }
        if (channel.isEmpty() || !m_input->hasFocus())
            return;
        const QString text = m_input->toPlainText();
        m_session->setTyping(channel, !text.trimmed().isEmpty() && !text.startsWith(u'/'));
    });
    auto *line = new QFrame(centre);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    centreLayout->addWidget(m_topic);
    centreLayout->addWidget(line);
    centreLayout->addWidget(m_search);
    centreLayout->addWidget(m_log, 1);
    centreLayout->addWidget(m_notice);
    centreLayout->addWidget(inputRow);
    centreLayout->addWidget(m_typingLine);

    // Right: members, under a header like the channel list's.
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    auto *membersTitle = new QLabel(tr("Members"), right);
    membersTitle->setFont(titleFont);
    membersTitle->setContentsMargins(12, 10, 6, 8);
    m_memberList = new QListView(right);
    m_memberList->setSpacing(2);
    PlainToolTipFilter::install(m_memberList);
    // "Display name (account)": the account at the end stays in sight in a narrow pane.
    m_memberList->setTextElideMode(Qt::ElideMiddle);
    m_memberList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // A margin rather than a style sheet: a styled view ignores the palette a theme switch sets.
    m_memberList->setContentsMargins(8, 0, 0, 0);
    rightLayout->addWidget(membersTitle);
    rightLayout->addWidget(m_memberList, 1);
    m_memberList->setAccessibleName(tr("Members"));
    m_memberList->setFrameShape(QFrame::NoFrame);
    m_memberList->setFocusPolicy(Qt::StrongFocus);
    m_memberList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_memberList->setItemDelegate(new MemberDelegate(m_memberList));
    m_idle = new IdleWatcher(this);
    m_idle->setLimit(std::chrono::minutes(m_settings->idleAwayMinutes()));
    connect(m_idle, &IdleWatcher::idleChanged, this, [this](bool idle) {
        if (idle && m_session->myPresence() == Presence::State::Online) {
            m_autoAway = true;
            m_session->setMyPresence(Presence::State::Away, m_session->myStatus());
        } else if (!idle && m_autoAway) {
            m_autoAway = false;
            m_session->setMyPresence(Presence::State::Online, m_session->myStatus());
        }
    });
    m_memberOrder = new MemberOrderModel(this);
    m_memberList->setModel(m_memberOrder);
    // A click: who it is (the card has "Message"). Enter: a direct conversation at once.
    connect(m_memberList, &QListView::clicked, this, [this](const QModelIndex &index) {
        const QRect row = m_memberList->visualRect(index);
        showUserCard(index.data(MemberListModel::NameRole).toString(),
                     m_memberList->viewport()->mapToGlobal(row.bottomLeft()));
    });
    connect(m_memberList, &QListView::activated, this, [this](const QModelIndex &index) {
        // A click also activates on platforms that open items on one click: the card does.
        if (QGuiApplication::mouseButtons() != Qt::NoButton
            || style()->styleHint(QStyle::SH_ItemView_ActivateItemOnSingleClick))
            return;
        messagePerson(index.data(MemberListModel::NameRole).toString());
    });

    m_splitter = new QSplitter(this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(left);
    m_splitter->addWidget(centre);
    m_splitter->addWidget(right);
    m_memberPane = right;
    m_channelPane = left;
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setSizes({220, 700, 160});
    setCentralWidget(m_splitter);

    m_status = new ConnectionStatus(this);
    m_status->setServer(m_session->serverLabel());
    statusBar()->addWidget(m_status, 1);
    // Who I am, always in sight; a click changes the display name (or, not signed in yet,
    // chooses the account).
    m_identity = new QToolButton(this);
    m_identity->setObjectName(QStringLiteral("identity"));
    m_identity->setAutoRaise(true);
    m_identity->setToolButtonStyle(Qt::ToolButtonTextOnly);
    connect(m_identity, &QToolButton::clicked, this, &MainWindow::changeIdentity);
    statusBar()->addPermanentWidget(m_identity);
    updateIdentity();
    statusBar()->setSizeGripEnabled(true);
}

void MainWindow::updateIdentity()
{
    if (!m_session->isReady()) {
        const bool refused = !m_refusedAccount.isEmpty();
        m_identity->setText(refused ? tr("Not signed in") : tr("Signing in…"));
        m_identity->setToolTip(
            refused ? PlainText::toolTip(tr("The account name \u201c%1\u201d belongs to someone "
                                            "else on this server. Click to choose another.")
                                             .arg(DisplayText::isolated(m_refusedAccount)))
                    : QString());
        m_identity->setAccessibleName(m_identity->text());
        return;
    }
    const QString account = m_session->userName();
    const QString display = m_session->myDisplayName();
    // Elided: a display name may be 64 characters wide.
    const QString shown = display == account
        ? account
        : tr("%1 (%2)").arg(DisplayText::isolated(display), DisplayText::isolated(account));
    // A display name may hold '&', which a button would take as a shortcut marker.
    m_identity->setText(
        PlainText::forAction(fontMetrics().elidedText(shown, Qt::ElideMiddle, 220)));
    m_identity->setToolTip(PlainText::toolTip(
        tr("You are %1 (account %2). Click to change your display name, or type /nick NAME.")
            .arg(DisplayText::isolated(display), DisplayText::isolated(account))));
    m_identity->setAccessibleName(tr("Signed in as %1").arg(shown));
}

void MainWindow::changeIdentity()
{
    if (!m_session->isReady()) {
        if (!m_refusedAccount.isEmpty())
            chooseAccount(m_refusedAccount, m_refusedReason);
        return;
    }
    bool ok = false;
    const QString name = QInputDialog::getText(
        this, tr("Change Display Name"),
        tr("The name others see next to your messages (your account, %1, stays):")
            .arg(m_session->userName()),
        QLineEdit::Normal, m_session->myDisplayName(), &ok);
    if (!ok)
        return;
    const QString problem =
        name.trimmed().isEmpty() ? QString() : NameRule::checkDisplayName(name.trimmed());
    if (!problem.isEmpty()) {
        showNotice(problem, true);
        return;
    }
    m_session->setDisplayName(name.trimmed());
}

void MainWindow::chooseAccount(const QString &refused, const QString &reason)
{
    IdentityDialog dialog(refused, reason, this);
    if (dialog.exec() != QDialog::Accepted) {
        // Not a dead end: the window says what is missing and how to get there.
        showNotice(tr("You are not signed in, so nothing can be sent. Click \u201cNot signed "
                      "in\u201d below or type /nick NAME to choose an account name, or use Chat "
                      "\u25b8 Connection\u2026 for another server."),
                   true);
        return;
    }
    m_settings->setUserName(dialog.accountName());
    m_session->setInitialDisplayName(dialog.displayName());
    m_session->changeUserName(dialog.accountName());
}

QAction *MainWindow::addShortcutAction(const QString &id, std::function<void()> trigger)
{
    const ShortcutAction *spec = ShortcutTable::find(id);
    auto *action = new QAction(spec ? spec->description : id, this);
    action->setObjectName(id);
    action->setShortcutContext(Qt::WindowShortcut);
    connect(action, &QAction::triggered, this, [trigger = std::move(trigger)] { trigger(); });
    addAction(action);
    m_actions.insert(id, action);
    return action;
}

QAction *MainWindow::action(const QString &id) const
{
    return m_actions.value(id);
}

void MainWindow::buildActions()
{
    addShortcutAction(QStringLiteral("quickSwitcher"), [this] { showQuickSwitcher(); });
    addShortcutAction(QStringLiteral("previousChannel"), [this] { switchChannel(-1); });
    addShortcutAction(QStringLiteral("nextChannel"), [this] { switchChannel(+1); });
    addShortcutAction(QStringLiteral("previousUnread"), [this] { switchUnreadChannel(-1); });
    addShortcutAction(QStringLiteral("nextUnread"), [this] { switchUnreadChannel(+1); });
    for (int n = 1; n <= 9; ++n)
        addShortcutAction(ShortcutTable::channelActionId(n),
                          [this, n] { switchToChannelNumber(n); });
    addShortcutAction(QStringLiteral("markRead"), [this] { markCurrentRead(); });
    addShortcutAction(QStringLiteral("search"), [this] { startSearch(); });
    addShortcutAction(QStringLiteral("joinChannel"), [this] { showJoinDialog(); });
    addShortcutAction(QStringLiteral("people"), [this] { showPeople(); });
    addShortcutAction(QStringLiteral("shortcutsSheet"), [this] { showShortcutsSheet(); });
    addShortcutAction(QStringLiteral("preferences"), [this] { showPreferences(); });
    // Closing (rather than QApplication::quit()) saves the geometry and layout on the way out.
    addShortcutAction(QStringLiteral("quit"), [this] { close(); });
}

void MainWindow::buildMenus()
{
    // Menu wording, with mnemonics and "…" for what opens a window; the shortcut table's
    // descriptions are for the shortcuts sheet.
    const std::pair<const char *, QString> menuTexts[] = {
        {"joinChannel", tr("&Join or Create Channel…")},
        {"people", tr("&People…")},
        {"preferences", tr("&Preferences…")},
        {"quit", tr("&Quit")},
        {"quickSwitcher", tr("&Jump to Channel…")},
        {"previousChannel", tr("&Previous Channel")},
        {"nextChannel", tr("&Next Channel")},
        {"previousUnread", tr("Previous &Unread Channel")},
        {"nextUnread", tr("Next Unread C&hannel")},
        {"markRead", tr("Mark Channel &Read")},
        {"search", tr("&Find in Channel…")},
        {"shortcutsSheet", tr("&Keyboard Shortcuts")},
    };
    for (const auto &[id, text] : menuTexts)
        m_actions.value(QLatin1String(id))->setText(text);

    QMenu *file = menuBar()->addMenu(tr("&Chat"));
    file->addAction(m_actions.value(QStringLiteral("joinChannel")));
    file->addAction(tr("&Leave Channel"), this, [this] {
        if (!currentChannel().isEmpty())
            m_session->leaveChannel(currentChannel());
    });
    file->addSeparator();
    file->addAction(tr("&Connection…"), this, &MainWindow::showConnectionDialog);
    file->addAction(m_actions.value(QStringLiteral("preferences")));
    file->addSeparator();
    file->addAction(m_actions.value(QStringLiteral("quit")));

    QMenu *go = menuBar()->addMenu(tr("&Go"));
    for (const char *id : {"quickSwitcher", "people", "previousChannel", "nextChannel",
                           "previousUnread", "nextUnread", "markRead", "search"})
        go->addAction(m_actions.value(QLatin1String(id)));
    go->addSeparator();
    QAction *channels = go->addAction(tr("Show C&hannel List"));
    channels->setObjectName(QStringLiteral("showChannels"));
    m_channelsToggle = new SidePaneToggle(
        m_channelPane, channels, VeryNarrowWidth, [this] { return m_settings->channelsVisible(); },
        [this](bool shown) { m_settings->setChannelsVisible(shown); }, this);
    QAction *members = go->addAction(tr("Show &Members"));
    members->setObjectName(QStringLiteral("showMembers"));
    m_showMembers = members;
    m_membersToggle = new SidePaneToggle(
        m_memberPane, members, NarrowWidth, [this] { return m_settings->membersVisible(); },
        [this](bool shown) { m_settings->setMembersVisible(shown); }, this);
    updateMemberPane();
    // Hidden until asked for; it reads the server only while shown.
    m_overview = new ServerOverviewDock(m_session, this);
    addDockWidget(Qt::RightDockWidgetArea, m_overview);
    m_overview->hide();
    // Wide enough for its table the first time it is shown; the user's width after that.
    connect(m_overview, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && m_overview->width() < 340)
            resizeDocks({m_overview}, {340}, Qt::Horizontal);
    });
    QAction *overview = m_overview->toggleViewAction();
    overview->setText(tr("Server &Overview"));
    overview->setObjectName(QStringLiteral("serverOverview"));
    overview->setShortcuts(m_settings->keysFor(QStringLiteral("serverOverview")));
    overview->setShortcutContext(Qt::WindowShortcut);
    addAction(overview);
    m_actions.insert(QStringLiteral("serverOverview"), overview);
    go->addAction(overview);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_actions.value(QStringLiteral("shortcutsSheet")));
    help->addAction(tr("Slash &Commands"), this,
                    [this] { showNotice(SlashCommand::helpLines().join(u'\n')); });
    help->addSeparator();
    help->addAction(tr("&About Confab"), this, &MainWindow::showAbout);
}

void MainWindow::buildNotifications()
{
    m_notifier = new AttentionNotifier(
        [this](const QString &channel) {
            return ChatKeys::isDirectChannel(channel) ? m_session->displayName(channel)
                                                      : u'#' + channel;
        },
        this);
    connect(m_notifier, &AttentionNotifier::notify, this,
            [this](const QString &title, const QString &body, const QString &channel) {
                // Its own field: a /join waiting to open its channel must not be lost to a
                // notification.
                m_notifiedChannel = channel;
                // The desktop's notification service first (desktops without a tray, such as
                // stock GNOME, have nothing else), the tray where there is none.
                m_desktopNotifier->show(DisplayText::marked(title), DisplayText::marked(body),
                                        channel);
            });
    m_desktopNotifier = new DesktopNotifier(this);
    connect(m_desktopNotifier, &DesktopNotifier::activated, this, [this](const QString &channel) {
        bringToFront();
        m_notifiedChannel.clear();
        openChannel(channel);
    });
    connect(m_desktopNotifier, &DesktopNotifier::unavailable, this,
            [this](const QString &title, const QString &body, const QString &) {
                if (!m_tray)
                    return;
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
                // Freedesktop notification servers read the body as markup: a message's "<b>"
                // or "a < b" must show as typed, as it does in the log.
                const QString shown = body.toHtmlEscaped();
#else
                const QString shown = body;
#endif
                m_tray->showMessage(title, shown, QSystemTrayIcon::Information, 8000);
            });
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_trayIcon = windowIcon().isNull() ? QApplication::windowIcon() : windowIcon();
    m_tray = new QSystemTrayIcon(m_trayIcon, this);
    auto *menu = new QMenu(this);
    menu->addAction(tr("Show Confab"), this, &MainWindow::bringToFront);
    menu->addAction(m_actions.value(QStringLiteral("quit")));
    m_tray->setContextMenu(menu);
    connect(m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger)
                    bringToFront();
            });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        bringToFront();
        if (!m_notifiedChannel.isEmpty())
            openChannel(std::exchange(m_notifiedChannel, {}));
    });
    updateTray();
    m_tray->show();
}

void MainWindow::connectSession()
{
    connect(m_session, &ChatSession::serverStatsRead, this, [this](const ServerStats &stats) {
        if (!std::exchange(m_statsNoticeWanted, false))
            return;
        QStringList lines = stats.summary();
        for (const QString &problem : stats.problems)
            lines << tr("Not shown: %1").arg(DisplayText::marked(problem));
        showNotice(lines.join(u'\n'));
    });
    connect(m_session, &ChatSession::serverChanged, m_status, &ConnectionStatus::setServer);
    connect(m_session, &ChatSession::connectionStateChanged, m_status,
            &ConnectionStatus::setConnectionState);
    connect(m_session, &ChatSession::retryScheduled, m_status, &ConnectionStatus::setRetryDeadline);
    connect(m_session, &ChatSession::liveChanged, this, [this](const QString &channel, bool live) {
        if (channel == currentChannel())
            m_status->setSubscribed(live);
    });
    connect(m_session, &ChatSession::outboxChanged, m_status, &ConnectionStatus::setOutboxCount);
    connect(m_session, &ChatSession::currentChannelChanged, this,
            &MainWindow::onCurrentChannelChanged);
    connect(m_session, &ChatSession::attentionNeeded, this, &MainWindow::onAttention);
    connect(m_session, &ChatSession::ready, this, &MainWindow::updateTitle);
    connect(m_session, &ChatSession::ready, this, &MainWindow::updateTopic);
    connect(m_session, &ChatSession::serverChanged, this, &MainWindow::updateTopic);
    connect(m_session, &ChatSession::errorOccurred, this,
            [this](const QString &message) { showNotice(message, true); });
    connect(m_session, &ChatSession::sendFailed, this,
            [this](const QString &channel, const QString &error) {
                showNotice(
                    tr("Not sent to %1: %2").arg(m_session->channels()->label(channel), error),
                    true);
            });
    connect(m_session, &ChatSession::userRejected, this,
            [this](const QString &name, const QString &error) {
                m_refusedAccount = name;
                m_refusedReason = error;
                updateIdentity();
                updateTopic();
                // Queued: not from inside the session's signal, which a modal loop would hold.
                QMetaObject::invokeMethod(
                    this, [this, name, error] { chooseAccount(name, error); },
                    Qt::QueuedConnection);
            });
    connect(m_session, &ChatSession::ready, this, [this] {
        m_refusedAccount.clear();
        m_refusedReason.clear();
        updateIdentity();
        updateTopic();
    });
    connect(m_session, &ChatSession::identityChanged, this, &MainWindow::updateIdentity);
    connect(m_session, &ChatSession::conversationRenamed, this, [this](const QString &channel) {
        if (channel == currentChannel())
            updateTitle();
        m_channelList->viewport()->update();
    });
    connect(m_session, &ChatSession::channelJoined, this, [this](const QString &channel) {
        // Follow a /join or a click: open what the user asked for; with nothing asked for,
        // the first channel. Not another one meanwhile: opening a channel reads it, and the
        // channels restored at start may hold what came while Confab was closed.
        if (channel == m_pendingOpen) {
            m_pendingOpen.clear();
            openChannel(channel);
        } else if (currentChannel().isEmpty() && m_pendingOpen.isEmpty()) {
            openChannel(channel);
        }
        updateTray();
    });
    connect(m_session, &ChatSession::channelLeft, this, [this](const QString &channel) {
        if (currentChannel().isEmpty() || currentChannel() == channel) {
            if (m_order->rowCount() > 0)
                openChannel(m_order->channelAt(0));
            else
                onCurrentChannelChanged(QString());
        }
    });
    connect(m_session, &ChatSession::channelsListed, this, [this](const ChannelInfoList &channels) {
        m_knownChannels = channels;
        Q_EMIT knownChannelsChanged();
        if (std::exchange(m_quietListing, false))
            return;
        if (channels.isEmpty()) {
            showNotice(tr("There are no channels yet. Create one with /join NAME."));
            return;
        }
        // Each name is a link: a click joins the channel (or opens it).
        QList<NoticeBar::Line> lines{
            {channels.size() == 1 ? tr("1 channel (click one to open it):")
                                  : tr("%1 channels (click one to open it):").arg(channels.size()),
             {},
             {}}};
        for (const ChannelInfo &info : channels) {
            const QString name = u'#' + info.name;
            QString line = name + QStringLiteral(" — ")
                + (info.memberCount == 1 ? tr("1 member") : tr("%1 members").arg(info.memberCount));
            if (!info.topic.isEmpty())
                line += QStringLiteral(" — ") + DisplayText::isolated(info.topic);
            QUrl url;
            url.setScheme(QStringLiteral("confab"));
            url.setPath(QStringLiteral("join/") + info.name);
            lines.append({line, name, url});
        }
        m_notice->showLinkedNotice(lines);
    });
    connect(m_session->channels(), &ChannelListModel::totalUnreadChanged, this, [this] {
        updateTray();
        updateTitle();
    });
    connect(m_session->channels(), &QAbstractItemModel::dataChanged, this, [this] {
        updateTopic();
        updateMembers();
    });
}

QString MainWindow::currentChannel() const
{
    return m_session->currentChannel();
}

QStringList MainWindow::channelNames() const
{
    QStringList names;
    for (int row = 0; row < m_order->rowCount(); ++row) {
        const QString name = m_order->channelAt(row);
        if (!ChatKeys::isDirectChannel(name))
            names << name;
    }
    return names;
}

void MainWindow::openChannel(const QString &channel)
{
    if (!m_session->log(channel)) {
        // Not joined yet: join, and open it when the join is confirmed (unless the user has
        // opened another channel by then: onCurrentChannelChanged forgets the request).
        m_pendingOpen = channel;
        if (!m_session->isReady()
            || m_session->connectionState() != RedisConnection::State::Connected)
            showNotice(tr("%1 will be joined and opened once Confab is connected to %2.")
                           .arg(DisplayText::isolated(m_session->channels()->label(channel)),
                                m_session->serverLabel()));
        if (ChatKeys::isDirectChannel(channel)) {
            m_session->sendDirectMessage(ChatKeys::directPeer(channel, m_session->userName()),
                                         QString());
        } else {
            m_session->joinChannel(channel);
        }
        return;
    }
    m_session->setCurrentChannel(channel);
}

void MainWindow::onCurrentChannelChanged(const QString &channel)
{
    m_log->setLogModel(m_session->log(channel));
    if (m_watchedMembers)
        m_watchedMembers->disconnect(this);
    m_watchedMembers = m_session->members(channel);
    m_memberOrder->setSourceModel(m_watchedMembers);
    // What I send next is not seen yet: the line follows the log.
    disconnect(m_watchedLogRows);
    if (MessageLogModel *log = m_session->log(channel))
        m_watchedLogRows =
            connect(log, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateTypingLine);
    updateTypingLine();
    // The status bar's count follows the list: members are listed after the channel opens.
    if (m_watchedMembers) {
        connect(m_watchedMembers, &QAbstractItemModel::rowsInserted, this,
                &MainWindow::updateMembers);
        connect(m_watchedMembers, &QAbstractItemModel::rowsRemoved, this,
                &MainWindow::updateMembers);
        connect(m_watchedMembers, &QAbstractItemModel::modelReset, this,
                &MainWindow::updateMembers);
    }
    const int row = m_order->rowOf(channel);
    m_channelList->setCurrentIndex(row >= 0 ? m_order->index(row, 0) : QModelIndex());
    if (!channel.isEmpty())
        m_settings->setLastChannel(channel);
    m_search->hide();
    // The user went elsewhere while a join was waiting (for the server, after an outage): it
    // still happens, but must not take the view away from what they are reading now.
    if (!m_pendingOpen.isEmpty() && channel != m_pendingOpen && !channel.isEmpty())
        m_pendingOpen.clear();
    if (m_drafts->channel() != channel && !m_drafts->channel().isEmpty())
        m_previousChannel = m_drafts->channel();
    m_drafts->switchTo(channel);
    updateTitle();
    updateTopic();
    updateMembers();
    m_input->setFocus();
}

void MainWindow::updateTitle()
{
    // The version is in Help ▸ About; a title is read in task bars and window lists.
    const QString app = QApplication::applicationName();
    const QString channel = currentChannel();
    QString title = app;
    if (!channel.isEmpty()) {
        title = DisplayText::isolated(m_session->channels()->label(channel)) + QStringLiteral(" — ")
            + app;
    }
    const int unread = m_session->channels()->totalUnread();
    if (unread > 0)
        title = QStringLiteral("(%1) ").arg(unread) + title;
    setWindowTitle(title);
}

void MainWindow::updateTopic()
{
    const QString channel = currentChannel();
    const int row = m_session->channels()->indexOf(channel);
    if (channel.isEmpty() && !m_refusedAccount.isEmpty()) {
        m_topic->setFullText(tr("Not signed in"));
        m_log->setPlaceholderText(
            tr("The account name \u201c%1\u201d belongs to someone else on %2.\n\nType /nick NAME "
               "or click \u201cNot signed in\u201d below to choose another.")
                .arg(m_refusedAccount, m_session->serverLabel()));
        return;
    }
    if (channel.isEmpty() || row < 0) {
        m_topic->setFullText(m_session->isReady() ? tr("Join a channel with + or /join NAME")
                                                  : tr("Connecting…"));
        const QString joinKey = m_actions.value(QStringLiteral("joinChannel"))
                                    ->shortcut()
                                    .toString(QKeySequence::NativeText);
        m_log->setPlaceholderText(
            m_session->isReady()
                ? tr("You are not in any channel yet.\n\nPress + (%1) or type /join NAME to join "
                     "a channel, or to create one.")
                      .arg(joinKey)
                : tr("Connecting to %1…").arg(m_session->serverLabel()));
        return;
    }
    const QString topic =
        m_session->channels()->index(row).data(ChannelListModel::TopicRole).toString();
    const QString name = m_session->channels()->label(channel);
    // Both are isolated: a right-to-left topic must not carry the name along with it.
    m_topic->setFullText(topic.isEmpty() ? DisplayText::isolated(name)
                                         : DisplayText::isolated(name) + QStringLiteral("  —  ")
                                 + DisplayText::isolated(topic));
}

void MainWindow::updateTypingLine()
{
    const QString channel = currentChannel();
    QStringList names;
    for (const QString &account : m_session->typing()->typingIn(channel))
        names << m_session->displayNameOf(account);
    QString text = TypingTracker::describe(names);
    // Nobody typing: in a direct conversation, whether my last message has been read.
    if (text.isEmpty() && m_session->seenByPeer(channel))
        text = tr("Seen by %1")
                   .arg(DisplayText::isolated(m_session->displayNameOf(
                       ChatKeys::directPeer(channel, m_session->userName()))));
    m_typingLine->setText(text);
}

void MainWindow::updateMembers()
{
    MemberListModel *members = m_session->members(currentChannel());
    m_status->setChannel(
        currentChannel().isEmpty() ? QString() : m_session->channels()->label(currentChannel()),
        members ? members->rowCount() : 0);
    m_status->setSubscribed(m_session->isLive(currentChannel()));
}

void MainWindow::updateTray()
{
    if (!m_tray)
        return;
    const int unread = m_session->channels()->totalUnread();
    m_tray->setIcon(UnreadBadgeIcon::compose(m_trayIcon, unread));
    if (unread == 0)
        m_tray->setToolTip(tr("Confab"));
    else
        m_tray->setToolTip(unread == 1 ? tr("Confab — 1 unread message")
                                       : tr("Confab — %1 unread messages").arg(unread));
}

void MainWindow::showNotice(const QString &text, bool error)
{
    m_notice->showNotice(text, error);
}

void MainWindow::submit(const QString &text)
{
    const SlashCommand command = SlashCommand::parse(text);
    const QString channel = currentChannel();
    if (command.kind == SlashCommand::Kind::Invalid) {
        showNotice(command.error, true);
        return;
    }
    // Without an account, nothing can be sent or joined; only choosing one helps.
    if (!m_refusedAccount.isEmpty() && command.kind != SlashCommand::Kind::Nick
        && command.kind != SlashCommand::Kind::Help && command.kind != SlashCommand::Kind::Quit) {
        showNotice(tr("You are not signed in: the account name \u201c%1\u201d belongs to someone "
                      "else here. Type /nick NAME to choose another.")
                       .arg(m_refusedAccount),
                   true);
        return;
    }
    const bool needsChannel = command.kind == SlashCommand::Kind::Text
        || command.kind == SlashCommand::Kind::Send || command.kind == SlashCommand::Kind::Me
        || command.kind == SlashCommand::Kind::Topic;
    if (needsChannel && channel.isEmpty()) {
        showNotice(tr("Join a channel first: /join NAME"), true);
        return;
    }
    // Said before sending, with the text still there to shorten (the server would refuse it).
    if (needsChannel) {
        const qsizetype bytes = command.argument.toUtf8().size();
        if (bytes > m_session->maxTextBytes()) {
            showNotice(tr("The message is too long to send (%1; at most %2). Shorten it, or "
                          "split it into several messages.")
                           .arg(QLocale().formattedDataSize(bytes),
                                QLocale().formattedDataSize(m_session->maxTextBytes())),
                       true);
            return;
        }
    }
    // A new command replaces what the last one said.
    m_notice->hide();
    switch (command.kind) {
    case SlashCommand::Kind::Text:
    case SlashCommand::Kind::Send:
        m_session->sendMessage(channel, command.argument);
        break;
    case SlashCommand::Kind::Me:
        m_session->sendMessage(channel, command.argument, ChatMessage::Type::Action);
        break;
    case SlashCommand::Kind::Join: {
        const QString name = NameRule::normalizedChannel(command.argument);
        const QString problem = NameRule::check(name, tr("channel name"));
        if (!problem.isEmpty()) {
            showNotice(problem, true);
            return;
        }
        openChannel(name);
        break;
    }
    case SlashCommand::Kind::Leave: {
        const QString name =
            command.argument.isEmpty() ? channel : NameRule::normalizedChannel(command.argument);
        if (name.isEmpty()) {
            showNotice(tr("You are not in a channel."), true);
            return;
        }
        m_session->leaveChannel(name);
        break;
    }
    case SlashCommand::Kind::Channels:
        m_session->requestChannelList();
        break;
    case SlashCommand::Kind::Quit:
        close();
        break;
    case SlashCommand::Kind::Topic:
        m_session->setTopic(channel, command.argument);
        break;
    case SlashCommand::Kind::Nick: {
        if (!m_refusedAccount.isEmpty()) {
            // Not signed in yet: /nick chooses the account.
            const QString problem = NameRule::check(command.argument, tr("account name"));
            if (!problem.isEmpty()) {
                showNotice(problem, true);
                return;
            }
            m_settings->setUserName(command.argument);
            m_session->changeUserName(command.argument);
            break;
        }
        // Signed in: the display name changes, the account (and all that belongs to it) stays.
        const QString problem = NameRule::checkDisplayName(command.argument);
        if (!problem.isEmpty()) {
            showNotice(problem, true);
            return;
        }
        m_session->setDisplayName(command.argument);
        break;
    }
    case SlashCommand::Kind::Msg: {
        const QString problem = NameRule::check(command.user, tr("user name"));
        if (!problem.isEmpty()) {
            showNotice(problem, true);
            return;
        }
        m_pendingOpen = ChatKeys::directChannel(m_session->userName(), command.user);
        m_session->sendDirectMessage(command.user, command.argument);
        break;
    }
    case SlashCommand::Kind::Away:
        m_autoAway = false;
        m_session->setMyPresence(Presence::State::Away,
                                 command.argument.isEmpty() ? m_session->myStatus()
                                                            : command.argument);
        break;
    case SlashCommand::Kind::Back:
        m_autoAway = false;
        m_session->setMyPresence(Presence::State::Online, m_session->myStatus());
        break;
    case SlashCommand::Kind::Status:
        m_session->setMyPresence(m_session->myPresence(), command.argument);
        break;
    case SlashCommand::Kind::People:
        showPeople();
        break;
    case SlashCommand::Kind::Stats:
        m_statsNoticeWanted = true;
        m_session->requestServerStats();
        break;
    case SlashCommand::Kind::Help:
        showNotice(SlashCommand::helpLines().join(u'\n'));
        break;
    case SlashCommand::Kind::Invalid:
        break;
    }
    // Taken: out of the input and into its history. Every refusal above returned first, so
    // that a typo can be fixed rather than typed again.
    m_input->commit(text);
}

void MainWindow::switchChannel(int step)
{
    const int rows = m_order->rowCount();
    if (rows == 0)
        return;
    const int row = m_order->rowOf(currentChannel());
    const int next = row < 0 ? 0 : (row + step + rows) % rows;
    openChannel(m_order->channelAt(next));
}

void MainWindow::switchUnreadChannel(int step)
{
    const int rows = m_order->rowCount();
    const int row = std::max(0, m_order->rowOf(currentChannel()));
    for (int i = 1; i < rows; ++i) {
        const int candidate = ((row + step * i) % rows + rows) % rows;
        if (m_order->index(candidate, 0).data(ChannelListModel::UnreadRole).toInt() > 0) {
            openChannel(m_order->channelAt(candidate));
            return;
        }
    }
}

void MainWindow::switchToChannelNumber(int n)
{
    if (n >= 1 && n <= m_order->rowCount())
        openChannel(m_order->channelAt(n - 1));
}

void MainWindow::markCurrentRead()
{
    if (m_notice->isVisible()) {
        m_notice->hide();
        return;
    }
    if (!currentChannel().isEmpty())
        m_session->markRead(currentChannel());
    m_log->jumpToBottom();
}

void MainWindow::showQuickSwitcher()
{
    // The channels I am in, then every other channel on the server (to join) and the people I
    // share a channel with (for a direct conversation), found by the same typing.
    auto *others = new QStandardItemModel(0, 1, this);
    others->setItemRoleNames(m_session->channels()->roleNames());
    auto *targets = new SwitchTargets(m_session->channels()->roleNames(), this);
    targets->addSourceModel(m_order);
    targets->addSourceModel(others);
    auto fillOthers = [this, others] {
        others->clear();
        // Empty, it must keep its column: the concatenation has only the columns all share.
        others->setColumnCount(1);
        const ChannelListModel *joined = m_session->channels();
        for (const ChannelInfo &info : std::as_const(m_knownChannels)) {
            if (joined->indexOf(info.name) >= 0)
                continue;
            auto *item = new QStandardItem(QStringLiteral("#") + info.name);
            item->setData(info.name, ChannelListModel::NameRole);
            item->setData(info.memberCount == 1 ? tr("join · 1 member")
                                                : tr("join · %1 members").arg(info.memberCount),
                          ChannelListModel::HintRole);
            others->appendRow(item);
        }
        // The people I share a channel with, then everyone else in the directory.
        QStringList people = m_session->knownPeople();
        const QSet<QString> shared(people.cbegin(), people.cend());
        for (const AccountEntry &entry : m_session->users()) {
            if (!shared.contains(entry.account) && entry.account != m_session->userName())
                people << entry.account;
        }
        for (const QString &account : std::as_const(people)) {
            const QString dm = ChatKeys::directChannel(m_session->userName(), account);
            if (joined->indexOf(dm) >= 0)
                continue; // already in the list above, as "@name"
            const QString shown = m_session->displayNameOf(account);
            auto *item = new QStandardItem(
                QStringLiteral("@")
                + (shown == account ? account : shown + QStringLiteral(" (") + account + u')'));
            item->setData(dm, ChannelListModel::NameRole);
            item->setData(Presence::stateText(m_session->presenceOf(account).state).toLower(),
                          ChannelListModel::HintRole);
            others->appendRow(item);
        }
    };
    fillOthers();
    auto *switcher = new QuickSwitcher(targets, ChannelListModel::NameRole, this);
    switcher->setAttribute(Qt::WA_DeleteOnClose);
    connect(switcher, &QObject::destroyed, others, &QObject::deleteLater);
    connect(switcher, &QObject::destroyed, targets, &QObject::deleteLater);
    connect(this, &MainWindow::knownChannelsChanged, switcher, fillOthers);
    connect(m_session, &ChatSession::usersListed, switcher, fillOthers);
    // What exists changes; ask again, quietly (not as /channels).
    m_quietListing = true;
    m_session->requestChannelList();
    m_session->requestUserList();
    connect(switcher, &QuickSwitcher::channelChosen, this, &MainWindow::openChannel);
    switcher->setPreviousChannel(m_previousChannel);
    switcher->open();
}

void MainWindow::showShortcutsSheet()
{
    auto *sheet = new ShortcutsSheet(this);
    sheet->setAttribute(Qt::WA_DeleteOnClose);
    sheet->open();
}

void MainWindow::showJoinDialog()
{
    auto *dialog = new JoinChannelDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto fill = [this, dialog] {
        QSet<QString> joined;
        for (const ChannelInfo &info : std::as_const(m_knownChannels)) {
            if (m_session->channels()->indexOf(info.name) >= 0)
                joined.insert(info.name);
        }
        dialog->setChannels(m_knownChannels, joined);
    };
    if (!m_knownChannels.isEmpty())
        fill();
    connect(this, &MainWindow::knownChannelsChanged, dialog, fill);
    m_quietListing = true;
    m_session->requestChannelList();
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (!dialog->topic().isEmpty())
            m_session->createChannel(dialog->channelName(), dialog->topic());
        openChannel(dialog->channelName());
    });
    dialog->open();
}

void MainWindow::showPeople()
{
    auto *dialog = new PeopleDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PeopleDialog::messageRequested, this, &MainWindow::messagePerson);
    dialog->open();
}

void MainWindow::showUserCard(const QString &account, const QPoint &at)
{
    if (account.isEmpty())
        return;
    auto *card = new UserCard(m_session, account, this);
    card->setObjectName(QStringLiteral("userCard"));
    connect(card, &UserCard::messageRequested, this, &MainWindow::messagePerson);
    card->popUp(at);
}

void MainWindow::messagePerson(const QString &account)
{
    if (!account.isEmpty() && account != m_session->userName())
        openChannel(ChatKeys::directChannel(m_session->userName(), account));
}

void MainWindow::showPreferences()
{
    auto *dialog = new PreferencesDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PreferencesDialog::settingsChanged, this, &MainWindow::applySettings);
    dialog->open();
}

void MainWindow::showConnectionDialog()
{
    auto *dialog = new ConnectionDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // It opens on the server in use, unless that is the private one (a server with a label):
    // that is Confab's fallback for when none is chosen, not a choice to save.
    const bool privateServer = m_session->serverLabel() != m_session->endpoint();
    dialog->setOptions(privateServer ? m_settings->connectionOptions() : m_session->redisOptions());
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const RedisOptions options = dialog->options();
        m_settings->setConnectionOptions(options);
        // Used at once: the user asked for this server now, not at the next start.
        if (options != m_session->redisOptions())
            m_session->switchServer(options);
        // The password goes to the keychain, never to the settings file.
        auto *store = new PasswordStore(this);
        connect(store, &PasswordStore::writeFinished, this,
                [this, store](const QString &, const QString &error) {
                    store->deleteLater();
                    if (error.isEmpty())
                        return;
                    showNotice(tr("The password could not be stored in the system keychain: %1. "
                                  "It is used until Confab quits; after that, enter it in "
                                  "Connection settings again or set REDIS_PASSWORD.")
                                   .arg(error),
                               true);
                });
        store->write(m_settings->passwordAccount(), options.password);
        if (!options.sentinelMaster.isEmpty()) {
            auto *sentinels = new PasswordStore(this);
            connect(sentinels, &PasswordStore::writeFinished, sentinels, &QObject::deleteLater);
            sentinels->write(m_settings->sentinelPasswordAccount(), options.sentinelPassword);
        }
    });
    dialog->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About Confab"),
        tr("<h3>Confab %1</h3><p>A desktop chat client for teams whose chat lives in Redis.</p>"
           "<p>Live messages over Redis Pub/Sub, history in Redis Streams; no server of its "
           "own.</p>"
           "<p>Built with Qt %2.</p>")
            .arg(QApplication::applicationVersion(), QLatin1String(qVersion())));
}

void MainWindow::startSearch()
{
    m_search->activate();
}

void MainWindow::applySettings()
{
    Theme::apply(m_settings->theme());
    for (auto it = m_actions.cbegin(); it != m_actions.cend(); ++it)
        it.value()->setShortcuts(m_settings->keysFor(it.key()));
    m_log->setTimestampFormat(m_settings->timestampFormat());
    m_session->setScrollback(m_settings->scrollbackRows());
    m_idle->setLimit(std::chrono::minutes(m_settings->idleAwayMinutes()));
    m_session->setTypingNoticesEnabled(m_settings->typingNoticesEnabled());
    updateTypingLine();
    QFont font = QApplication::font();
    if (!m_settings->fontFamily().isEmpty())
        font.setFamily(m_settings->fontFamily());
    if (m_settings->fontSize() > 0)
        font.setPointSize(m_settings->fontSize());
    m_log->setFont(font);
    m_input->setFont(font);
}

void MainWindow::onAttention(const QString &channel, const ChatMessage &message)
{
    if (!m_settings->notificationsEnabled() || isActiveWindow())
        return;
    // The taskbar entry asks for attention too: desktops without a tray (stock GNOME) show
    // no tray notification at all.
    QApplication::alert(this);
    m_notifier->add(channel, message);
}

void MainWindow::updateMemberPane()
{
    // A narrow window gives the log the room; the Go menu's ticks say what is shown.
    if (!m_channelsToggle || !m_membersToggle)
        return; // a resize while the window is being built
    m_channelsToggle->setWindowWidth(width());
    m_membersToggle->setWindowWidth(width());
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    updateMemberPane();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::ActivationChange) {
        m_session->setWindowActive(isActiveWindow());
        if (isActiveWindow())
            m_notifier->clear();
    }
    QMainWindow::changeEvent(event);
}

void MainWindow::bringToFront()
{
    if (isMinimized())
        showNormal();
    else
        show();
    raise();
    activateWindow();
}

void MainWindow::showPrivateServerNotice(const QString &where)
{
    showNotice(tr("You are on a private server that Confab started on this computer (%1). "
                  "Only you can reach it: teammates do not see these channels. To chat with "
                  "others, connect to your team's Redis with Chat \u25b8 Connection\u2026.")
                   .arg(where));
}

void MainWindow::quitNow()
{
    m_quitConfirmed = true;
    close();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const int unsent = m_session->outboxCount();
    if (unsent > 0 && !m_quitConfirmed) {
        // Nothing is lost by quitting (the outbox is on disk), but the sender expects them to
        // be out: asked once, window-modal, without blocking the event loop.
        event->ignore();
        auto *box = new QMessageBox(QMessageBox::Question, tr("Quit Confab?"),
                                    tr("%n message(s) have not been sent yet.", nullptr, unsent),
                                    QMessageBox::NoButton, this);
        box->setObjectName(QStringLiteral("unsentQuestion"));
        box->setInformativeText(
            tr("They are kept on this computer and sent the next time Confab connects to %1.")
                .arg(m_session->serverLabel()));
        QPushButton *quit = box->addButton(tr("&Quit"), QMessageBox::AcceptRole);
        box->addButton(tr("&Cancel"), QMessageBox::RejectRole);
        box->setDefaultButton(quit);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setWindowModality(Qt::WindowModal);
        connect(box, &QMessageBox::buttonClicked, this, [this, quit](QAbstractButton *button) {
            if (button == quit)
                quitNow();
        });
        box->open();
        return;
    }
    m_drafts->save();
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(m_splitter->saveState());
    m_settings->sync();
    QMainWindow::closeEvent(event);
}

} // namespace Confab
