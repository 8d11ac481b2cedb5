#pragma once

#include "TextArena.h"

#include "chat/ChatMessage.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QHash>

#include <array>

#include <optional>

namespace Confab {

// The log of one channel as the message view shows it: ChatMessage rows, oldest first.
//
// New messages come in batches at the bottom (appendMessages), older history in pages at the
// top (prependHistory, in answer to fetchMore). The model keeps a bounded window of the newest
// rows; what falls out at the top can be paged in again. While a reader is scrolled up
// (setTrimmingHeld) nothing falls out: the window grows instead, by a hundred bytes and the
// text a message, and is trimmed back once the reader returns to the bottom.
//
// Ids only ever grow downwards: every row's id is greater than the one above it. Both ways in
// drop what would break that (duplicates and overlaps from catch-up), so callers need not.
class MessageLogModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles : int {
        // QByteArray, the stream id as text ("ID/newmessages", "ID/rolledback" for the marker
        // rows that share the id of the row above them)
        IdRole = Qt::UserRole + 1,
        TimeRole, // QDateTime; for my messages not yet on the server, when they were typed
        AuthorRole, // QString: the display name the entry gives, else the account
        TextRole, // QString
        TypeRole, // int, a ChatMessage::Type
        MineRole, // bool: written under my name
        MentionRole, // bool: someone else's message that mentions my name (MentionRule)
        ProblemRole, // QString, empty unless the entry was malformed
        MessageRole, // ChatMessage
        DeliveryRole, // Delivery: whether my message has reached the server
        AccountRole, // QString: the sender's account
    };
    Q_ENUM(Roles)

    // Of a message I sent: rows from Redis are Delivered; what I sent shows at once, below
    // them, as Sending until it comes back from the server (by its cid), or as Failed.
    enum class Delivery { Delivered, Sending, Failed };
    Q_ENUM(Delivery)

    static constexpr int DefaultMaxRows = 10000;

    explicit MessageLogModel(const QString &channel, QObject *parent = nullptr);

    QString channel() const { return m_channel; }

    QString myName() const { return m_myName; }
    void setMyName(const QString &name);

    int maxRows() const { return m_maxRows; }
    // Values below 1 are taken as 1. Lowering it trims the oldest rows at once (unless
    // trimming is held: then on release).
    void setMaxRows(int rows);

    // Held by the view while its reader is away from the bottom (or selecting): trimming
    // would take away the rows being read. Meanwhile nothing is trimmed and the window grows
    // beyond maxRows(); releasing trims it back at once, in one row removal. One holder at a
    // time (the view showing the log).
    bool isTrimmingHeld() const { return m_trimmingHeld; }
    void setTrimmingHeld(bool held);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Older history can be asked for when Redis may still have some, no request is in flight,
    // and either there are rows to page back from or nothing has been loaded yet.
    bool canFetchMore(const QModelIndex &parent) const override;
    // Emits olderHistoryRequested. Every request must be answered by exactly one call of
    // prependHistory or historyRequestFailed; until then no further request is made.
    void fetchMore(const QModelIndex &parent) override;

    // New messages in id order. Ids not above lastId() are dropped. One row insertion; if the
    // window then exceeds maxRows() (and trimming is not held) the oldest rows are removed
    // first (one row removal). A RolledBack marker (ChannelSync, after a failover) first
    // removes the rows after its id, which the log no longer holds, and takes their place.
    void appendMessages(const ChatMessageList &batch);
    // The "new messages" line: a row of type NewMessages just above the message `firstUnread`
    // (if it is here), replacing any earlier one; a null id takes it away.
    void setNewMessagesLine(const StreamId &firstUnread);
    bool hasNewMessagesLine() const { return m_newMessagesLine >= 0; }
    // A page of older messages in id order; ids not below firstId() are dropped. `reachedStart`
    // says Redis has nothing older. One row insertion at the top. Pages are not trimmed to
    // maxRows(): the user is reading them; the next append with trimming not held (or the
    // release of the hold) trims the window again.
    // A page that answers a request made before rows were trimmed (or the model cleared) is
    // dropped: it would leave a gap where the trimmed rows were.
    void prependHistory(const ChatMessageList &older, bool reachedStart);
    // The answer to olderHistoryRequested when Redis could not give one; allows a new request.
    void historyRequestFailed();

    bool isFetchingHistory() const { return m_fetch != Fetch::Idle; }
    bool hasReachedStart() const { return m_reachedStart; }

    // A message I just sent (no id yet, `cid` set), shown below every row from Redis until the
    // server's copy arrives with the same cid (appendMessages replaces it) or it fails.
    void addPending(const ChatMessage &message);
    // The server refused it; the row stays, marked, with the reason as its ProblemRole.
    void setPendingFailed(const QByteArray &cid, const QString &error);
    // A pending row taken out (a refused message retried, edited or discarded); the message
    // it held, if there was one.
    std::optional<ChatMessage> takePending(const QByteArray &cid);
    int pendingCount() const { return int(m_pending.size()); }

    // -1 if no row has this id.
    int rowOfId(const StreamId &id) const;
    // A default ChatMessage if the row does not exist.
    ChatMessage messageAt(int row) const;
    // Null when empty.
    StreamId firstId() const;
    StreamId lastId() const;

    // Drops every row and forgets what is known about older history. A request in flight is
    // still waited for (its answer is dropped) so that it cannot land in the new log.
    void clear();

    // The one-line text of a message for screen readers, copying and anything without a
    // delegate: "alice: hello", "* alice waves", "alice joined"... Line breaks become spaces;
    // a malformed entry ends in " [its problem]".
    static QString plainText(const ChatMessage &message);

Q_SIGNALS:
    // `before` is the id of the oldest row, null when the model is empty (the newest page).
    void olderHistoryRequested(const QString &channel, const Confab::StreamId &before);

private:
    void rollBack(const ChatMessage &marker);
    void removeNewMessagesLine();
    int m_newMessagesLine = -1; // its row, -1 without one

    // A row the server has, compact: a log holds ten thousand of them per channel. The text
    // is in m_texts (UTF-8, in shared blocks), the author an index into m_authors (a channel
    // has few), a cid of 32 hex digits (every Confab client's) is kept as its 16 bytes, and
    // what is rare (another cid, a malformed entry's problem) is kept beside the rows, by id.
    struct Row
    {
        enum Flag : quint8 {
            Mine = 1,
            Mention = 2,
            HexCid = 4, // `cid` holds it
            Extra = 8, // m_extra holds its cid or problem
        };
        StreamId id;
        TextArena::Ref text;
        quint32 author = 0;
        std::array<quint8, 16> cid{};
        quint8 type = 0; // a ChatMessage::Type
        quint8 flags = 0;

        bool has(Flag flag) const { return flags & flag; }
        ChatMessage::Type messageType() const { return ChatMessage::Type(type); }
    };
    struct Extra
    {
        QByteArray cid;
        QString problem;
    };
    struct Author
    {
        QString from;
        QString name;
    };
    // Mine, not on the server yet: few, kept whole.
    struct PendingRow
    {
        ChatMessage message;
        bool mention = false;
        Delivery delivery = Delivery::Sending;
        // When it was typed, shown until the server's copy (and time) comes.
        QDateTime typed;
    };

    enum class Fetch {
        Idle,
        InFlight,
        // In flight, but the rows it was asked relative to are gone: its answer is dropped.
        InFlightStale,
    };

    Row makeRow(const ChatMessage &message);
    ChatMessage messageOf(const Row &row) const;
    quint32 authorOf(const ChatMessage &message);
    bool isShown(const ChatMessage &message) const;
    // Whether `message` is mine, and whether it mentions me.
    bool isMine(const ChatMessage &message) const;
    void removeDeliveredPending(const QList<QByteArray> &arrivedCids);
    void removeOldest(int count);
    // Back to maxRows() unless trimming is held.
    void trimToMaxRows();
    void limitSlack();
    // After rows older than the first one were dropped (trimmed or never inserted).
    void forgetOlderRows();
    // Releases what the rows [from, from + count) of `rows`, which are going, hold in m_texts
    // and m_extra.
    void release(const QList<Row> &rows, qsizetype from, qsizetype count);
    // Builds m_authors again when rows that went have left it far larger than needed.
    void compactAuthors();
    QVariant pendingData(const PendingRow &row, int role) const;

    QString m_channel;
    bool m_direct = false; // a direct conversation: membership lines are not shown
    QString m_myName;
    QList<Row> m_rows;
    // Sent by me and not back from the server yet: rows m_rows.size() and on.
    QList<PendingRow> m_pending;
    TextArena m_texts;
    QHash<StreamId, Extra> m_extra;
    QList<Author> m_authors;
    QHash<QString, quint32> m_authorIndex; // "from\nname" -> index in m_authors
    // The authors found last, compared before building and hashing a key: a page of the log
    // comes from a few people. Emptied whenever m_authors is renumbered.
    std::array<quint32, 8> m_recentAuthors{};
    int m_recentAuthorCount = 0;
    int m_recentAuthorNext = 0;
    int m_maxRows = DefaultMaxRows;
    bool m_trimmingHeld = false;
    Fetch m_fetch = Fetch::Idle;
    bool m_reachedStart = false;
    // Nothing has answered a history request yet, so an empty model may still have history.
    bool m_historyUnknown = true;
};

} // namespace Confab
