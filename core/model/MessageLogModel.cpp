#include "MessageLogModel.h"

#include "MentionRule.h"
#include "chat/ChatKeys.h"

#include <QLocale>

#include <algorithm>
#include <optional>

namespace Confab {

namespace {

// 32 lowercase hex digits (exactly what toHex() gives back) into 16 bytes.
bool parseHexCid(const QByteArray &cid, std::array<quint8, 16> *out)
{
    if (cid.size() != 32)
        return false;
    const auto digit = [](char c) {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    };
    std::array<quint8, 16> bytes;
    for (size_t i = 0; i < bytes.size(); ++i) {
        const int high = digit(cid[qsizetype(2 * i)]);
        const int low = digit(cid[qsizetype(2 * i + 1)]);
        if (high < 0 || low < 0)
            return false;
        bytes[i] = quint8(high * 16 + low);
    }
    *out = bytes;
    return true;
}

// Batches and pages are meant to arrive in id order; a caller that got that wrong should cost a
// sort, not a reordered log or lost messages.
ChatMessageList inIdOrder(const ChatMessageList &messages)
{
    const auto byId = [](const ChatMessage &a, const ChatMessage &b) {
        return a.id < b.id;
    };
    if (std::is_sorted(messages.cbegin(), messages.cend(), byId))
        return messages;
    ChatMessageList sorted = messages;
    std::stable_sort(sorted.begin(), sorted.end(), byId);
    return sorted;
}

bool isLineBreak(QChar c)
{
    return c == u'\n' || c == u'\r' || c == QChar::LineSeparator || c == QChar::ParagraphSeparator;
}

QString oneLine(const QString &text)
{
    if (std::none_of(text.cbegin(), text.cend(), isLineBreak))
        return text;
    QString line = text;
    line.replace(QStringLiteral("\r\n"), QStringLiteral(" "));
    std::replace_if(line.begin(), line.end(), isLineBreak, QChar(u' '));
    return line;
}

} // namespace

MessageLogModel::MessageLogModel(const QString &channel, QObject *parent)
    : QAbstractListModel(parent)
    , m_channel(channel)
    , m_direct(ChatKeys::isDirectChannel(channel))
{ }

bool MessageLogModel::isShown(const ChatMessage &message) const
{
    // A direct conversation has two people who never join or leave it by choice: its join,
    // leave and rename lines would only bury what they said.
    if (!m_direct)
        return true;
    return message.type != ChatMessage::Type::Join && message.type != ChatMessage::Type::Leave
        && message.type != ChatMessage::Type::Nick;
}

void MessageLogModel::setMyName(const QString &name)
{
    if (name == m_myName)
        return;
    m_myName = name;
    if (m_rows.isEmpty())
        return;
    for (Row &row : m_rows) {
        const ChatMessage message = messageOf(row);
        row.flags &= ~(Row::Mine | Row::Mention);
        if (isMine(message))
            row.flags |= Row::Mine;
        if (MentionRule::messageMentions(message, m_myName))
            row.flags |= Row::Mention;
    }
    for (PendingRow &row : m_pending)
        row.mention = MentionRule::messageMentions(row.message, m_myName);
    Q_EMIT dataChanged(index(0), index(rowCount() - 1), {MineRole, MentionRole});
}

void MessageLogModel::setMaxRows(int rows)
{
    m_maxRows = std::max(rows, 1);
    trimToMaxRows();
}

void MessageLogModel::setTrimmingHeld(bool held)
{
    if (held == m_trimmingHeld)
        return;
    m_trimmingHeld = held;
    trimToMaxRows();
}

int MessageLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size() + m_pending.size());
}

QVariant MessageLogModel::data(const QModelIndex &index, int role) const
{
    // Not checkIndex(): it warns about the invalid indexes views legitimately ask about.
    if (!index.isValid() || index.model() != this || index.row() < 0)
        return {};
    const qsizetype number = index.row();
    if (number >= m_rows.size()) {
        const qsizetype pending = number - m_rows.size();
        return pending < m_pending.size() ? pendingData(m_pending.at(pending), role) : QVariant();
    }
    const Row &row = m_rows.at(number);
    // The roles a view asks for on every paint, straight from the row.
    switch (role) {
    case IdRole:
        // The new-messages line and a rollback marker share the id of the row above them:
        // told apart here, so that views keyed by it never take one for the other.
        if (row.messageType() == ChatMessage::Type::NewMessages
            || row.messageType() == ChatMessage::Type::RolledBack)
            return QByteArray(row.id.toByteArray() + '/'
                              + ChatMessage::typeName(row.messageType()));
        return row.id.toByteArray();
    case TimeRole:
        return row.id.time();
    case AuthorRole: {
        const Author &author = m_authors.at(row.author);
        return author.name.isEmpty() ? author.from : author.name;
    }
    case AccountRole:
        return m_authors.at(row.author).from;
    case TextRole:
        return m_texts.text(row.text);
    case TypeRole:
        return int(row.type);
    case MineRole:
        return row.has(Row::Mine);
    case MentionRole:
        return row.has(Row::Mention);
    case ProblemRole:
        return row.has(Row::Extra) ? m_extra.value(row.id).problem : QString();
    case DeliveryRole:
        return QVariant::fromValue(Delivery::Delivered);
    default:
        break;
    }
    const ChatMessage message = messageOf(row);
    switch (role) {
    case Qt::DisplayRole:
        return plainText(message);
    case Qt::AccessibleTextRole:
        // A screen reader says when, as the view shows it.
        if (message.id.isNull())
            return plainText(message);
        return QString(QLocale().toString(message.time().time(), QLocale::ShortFormat)
                       + QStringLiteral(", ") + plainText(message));
    case Qt::ToolTipRole:
        if (message.id.isNull())
            return {};
        return QLocale().toString(message.time(), QLocale::LongFormat);
    case MessageRole:
        return QVariant::fromValue(message);
    default:
        return {};
    }
}

QVariant MessageLogModel::pendingData(const PendingRow &row, int role) const
{
    const ChatMessage &message = row.message;
    switch (role) {
    case Qt::DisplayRole:
        return plainText(message);
    case Qt::AccessibleTextRole:
        // "sending" for mine not sent yet.
        if (row.delivery == Delivery::Sending)
            return tr("sending: %1").arg(plainText(message));
        return plainText(message);
    case IdRole:
        return message.id.toByteArray();
    case TimeRole:
        return row.typed;
    case AuthorRole:
        return message.author();
    case AccountRole:
        return message.from;
    case TextRole:
        return message.text;
    case TypeRole:
        return int(message.type);
    case MineRole:
        return true;
    case MentionRole:
        return row.mention;
    case ProblemRole:
        return message.problem;
    case MessageRole:
        return QVariant::fromValue(message);
    case DeliveryRole:
        return QVariant::fromValue(row.delivery);
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageLogModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(Qt::AccessibleTextRole, "accessibleText");
    names.insert(IdRole, "id");
    names.insert(TimeRole, "time");
    names.insert(AuthorRole, "author");
    names.insert(TextRole, "text");
    names.insert(TypeRole, "type");
    names.insert(MineRole, "mine");
    names.insert(MentionRole, "mention");
    names.insert(ProblemRole, "problem");
    names.insert(MessageRole, "message");
    names.insert(DeliveryRole, "delivery");
    return names;
}

bool MessageLogModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_reachedStart && m_fetch == Fetch::Idle
        && (!m_rows.isEmpty() || m_historyUnknown);
}

void MessageLogModel::fetchMore(const QModelIndex &parent)
{
    // Views (and QAbstractItemModelTester) call this without asking canFetchMore first.
    if (!canFetchMore(parent))
        return;
    m_fetch = Fetch::InFlight;
    Q_EMIT olderHistoryRequested(m_channel, firstId());
}

void MessageLogModel::appendMessages(const ChatMessageList &batch)
{
    for (const ChatMessage &message : batch) {
        if (message.type == ChatMessage::Type::RolledBack) {
            // ChannelSync sends it alone, before what the log holds after it.
            rollBack(message);
            if (batch.size() == 1)
                return;
        }
    }
    QList<Row> fresh;
    fresh.reserve(batch.size());
    QList<QByteArray> arrivedCids;
    std::optional<StreamId> last;
    if (!m_rows.isEmpty())
        last = m_rows.constLast().id;
    for (const ChatMessage &message : inIdOrder(batch)) {
        if (message.type == ChatMessage::Type::RolledBack)
            continue;
        if (last && message.id <= *last)
            continue;
        last = message.id;
        if (!isShown(message))
            continue;
        if (!m_pending.isEmpty() && !message.cid.isEmpty())
            arrivedCids.append(message.cid);
        fresh.append(makeRow(message));
    }
    if (fresh.isEmpty())
        return;

    const qsizetype excess = m_trimmingHeld ? 0 : m_rows.size() + fresh.size() - m_maxRows;
    if (excess > 0) {
        // Rows that would be removed right after being inserted are never inserted.
        const qsizetype fromBatch = std::max<qsizetype>(excess - m_rows.size(), 0);
        release(fresh, 0, fromBatch);
        fresh.remove(0, fromBatch);
        removeOldest(int(excess - fromBatch));
        if (fromBatch > 0)
            forgetOlderRows();
    }

    // Above the pending rows: what the server has is older than what it has not confirmed.
    // My messages among them replace their pending rows (first, so the batch can be moved in).
    removeDeliveredPending(arrivedCids);
    const int first = int(m_rows.size());
    beginInsertRows(QModelIndex(), first, first + int(fresh.size()) - 1);
    m_rows.append(std::move(fresh));
    endInsertRows();
    compactAuthors();
}

void MessageLogModel::removeNewMessagesLine()
{
    if (m_newMessagesLine < 0)
        return;
    // Rows move (trimming, history above): find it again rather than trust the number.
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).messageType() == ChatMessage::Type::NewMessages) {
            beginRemoveRows(QModelIndex(), row, row);
            release(m_rows, row, 1);
            m_rows.remove(row);
            endRemoveRows();
            break;
        }
    }
    m_newMessagesLine = -1;
}

void MessageLogModel::setNewMessagesLine(const StreamId &firstUnread)
{
    removeNewMessagesLine();
    if (firstUnread.isNull())
        return;
    const int at = rowOfId(firstUnread);
    if (at < 0)
        return;
    ChatMessage line;
    line.channel = m_channel;
    line.type = ChatMessage::Type::NewMessages;
    // Sorts with the message above it: the line has that row's id (or one just below the
    // first unread at the top), so rows stay in id order.
    line.id = at > 0
        ? m_rows.at(at - 1).id
        : StreamId{firstUnread.seq > 0 ? firstUnread.ms : firstUnread.ms - 1,
                   firstUnread.seq > 0 ? firstUnread.seq - 1 : std::numeric_limits<quint64>::max()};
    beginInsertRows(QModelIndex(), at, at);
    m_rows.insert(at, makeRow(line));
    endInsertRows();
    m_newMessagesLine = at;
}

void MessageLogModel::rollBack(const ChatMessage &marker)
{
    // The rows after the marker's id are no longer in the log: they go, and the marker takes
    // their place, saying how many. The marker shares the id of the last surviving row, so
    // rows stay in id order and what the log now holds after that id appends below it.
    const auto firstLost =
        std::upper_bound(m_rows.cbegin(), m_rows.cend(), marker.id,
                         [](const StreamId &id, const Row &row) { return id < row.id; });
    const int from = int(firstLost - m_rows.cbegin());
    const int lost = int(m_rows.size()) - from;
    if (lost > 0) {
        beginRemoveRows(QModelIndex(), from, int(m_rows.size()) - 1);
        release(m_rows, from, lost);
        m_rows.remove(from, lost);
        endRemoveRows();
    }
    ChatMessage shown = marker;
    if (lost > 0)
        shown.text = tr("%n message(s) shown here were lost in a server failover: the server "
                        "no longer has them.",
                        nullptr, lost);
    const int at = int(m_rows.size());
    beginInsertRows(QModelIndex(), at, at);
    m_rows.append(makeRow(shown));
    endInsertRows();
}

void MessageLogModel::addPending(const ChatMessage &message)
{
    PendingRow row;
    row.message = message;
    row.mention = MentionRule::messageMentions(message, m_myName);
    row.delivery = Delivery::Sending;
    row.typed = QDateTime::currentDateTime();
    const int number = rowCount();
    beginInsertRows(QModelIndex(), number, number);
    m_pending.append(std::move(row));
    endInsertRows();
}

void MessageLogModel::setPendingFailed(const QByteArray &cid, const QString &error)
{
    for (qsizetype i = 0; i < m_pending.size(); ++i) {
        PendingRow &row = m_pending[i];
        if (row.message.cid != cid)
            continue;
        row.delivery = Delivery::Failed;
        row.message.problem = error;
        const QModelIndex changed = index(int(m_rows.size() + i));
        Q_EMIT dataChanged(changed, changed, {DeliveryRole, ProblemRole});
        return;
    }
}

std::optional<ChatMessage> MessageLogModel::takePending(const QByteArray &cid)
{
    for (qsizetype i = 0; i < m_pending.size(); ++i) {
        if (m_pending.at(i).message.cid != cid)
            continue;
        const int number = int(m_rows.size() + i);
        beginRemoveRows(QModelIndex(), number, number);
        ChatMessage message = m_pending.takeAt(i).message;
        endRemoveRows();
        message.problem.clear();
        return message;
    }
    return std::nullopt;
}

void MessageLogModel::removeDeliveredPending(const QList<QByteArray> &arrivedCids)
{
    for (const QByteArray &cid : arrivedCids) {
        for (qsizetype i = 0; i < m_pending.size(); ++i) {
            if (m_pending.at(i).message.cid != cid)
                continue;
            const int number = int(m_rows.size() + i);
            beginRemoveRows(QModelIndex(), number, number);
            m_pending.remove(i);
            endRemoveRows();
            break;
        }
    }
}

void MessageLogModel::prependHistory(const ChatMessageList &older, bool reachedStart)
{
    if (m_fetch == Fetch::InFlightStale) {
        m_fetch = Fetch::Idle;
        return;
    }

    QList<Row> fresh;
    fresh.reserve(older.size());
    std::optional<StreamId> first;
    if (!m_rows.isEmpty())
        first = m_rows.constFirst().id;
    std::optional<StreamId> last;
    for (const ChatMessage &message : inIdOrder(older)) {
        if (first && message.id >= *first)
            break;
        if (last && message.id <= *last)
            continue;
        last = message.id;
        if (!isShown(message))
            continue;
        fresh.append(makeRow(message));
    }

    if (!fresh.isEmpty()) {
        beginInsertRows(QModelIndex(), 0, int(fresh.size()) - 1);
        // Exactly as large as needed: pages come one after another, and a list grown by
        // appending would keep up to half of itself spare.
        QList<Row> rows;
        rows.reserve(fresh.size() + m_rows.size());
        rows.append(std::move(fresh));
        rows.append(std::move(m_rows));
        m_rows = std::move(rows);
        endInsertRows();
    }
    // Only now: a view reacting to the insertion must not ask again for the page it just got.
    m_reachedStart = reachedStart;
    m_historyUnknown = false;
    m_fetch = Fetch::Idle;
}

void MessageLogModel::historyRequestFailed()
{
    m_fetch = Fetch::Idle;
}

int MessageLogModel::rowOfId(const StreamId &id) const
{
    const auto it =
        std::lower_bound(m_rows.cbegin(), m_rows.cend(), id,
                         [](const Row &row, const StreamId &wanted) { return row.id < wanted; });
    if (it == m_rows.cend() || it->id != id)
        return -1;
    return int(it - m_rows.cbegin());
}

ChatMessage MessageLogModel::messageAt(int row) const
{
    if (row < 0)
        return {};
    if (row < m_rows.size())
        return messageOf(m_rows.at(row));
    const qsizetype pending = row - m_rows.size();
    return pending < m_pending.size() ? m_pending.at(pending).message : ChatMessage();
}

StreamId MessageLogModel::firstId() const
{
    return m_rows.isEmpty() ? StreamId() : m_rows.constFirst().id;
}

StreamId MessageLogModel::lastId() const
{
    return m_rows.isEmpty() ? StreamId() : m_rows.constLast().id;
}

void MessageLogModel::clear()
{
    m_newMessagesLine = -1;
    beginResetModel();
    m_rows.clear();
    m_pending.clear();
    m_texts.clear();
    m_extra.clear();
    m_authors.clear();
    m_authorIndex.clear();
    m_recentAuthorCount = 0;
    m_reachedStart = false;
    m_historyUnknown = true;
    if (m_fetch == Fetch::InFlight)
        m_fetch = Fetch::InFlightStale;
    endResetModel();
}

QString MessageLogModel::plainText(const ChatMessage &message)
{
    const QString &from = message.author();
    QString line;
    switch (message.type) {
    case ChatMessage::Type::Message:
    case ChatMessage::Type::Unknown:
        line = tr("%1: %2").arg(from, oneLine(message.text));
        break;
    case ChatMessage::Type::Action:
        line = tr("* %1 %2").arg(from, oneLine(message.text));
        break;
    case ChatMessage::Type::Join:
        line = tr("%1 joined").arg(from);
        break;
    case ChatMessage::Type::Leave:
        line = tr("%1 left").arg(from);
        break;
    case ChatMessage::Type::Topic:
        line = tr("%1 set the topic to: %2").arg(from, oneLine(message.text));
        break;
    case ChatMessage::Type::Nick:
        // The entry's name is the one it replaces.
        line = tr("%1 is now known as %2").arg(from, oneLine(message.text));
        break;
    case ChatMessage::Type::Expired:
        line = tr("Older messages expired");
        break;
    case ChatMessage::Type::RolledBack:
        line = message.text;
        break;
    case ChatMessage::Type::NewMessages:
        line = tr("New messages");
        break;
    }
    if (message.isMalformed())
        line += QStringLiteral(" [") + oneLine(message.problem) + QLatin1Char(']');
    return line;
}

bool MessageLogModel::isMine(const ChatMessage &message) const
{
    return !m_myName.isEmpty() && message.from == m_myName;
}

quint32 MessageLogModel::authorOf(const ChatMessage &message)
{
    for (int i = 0; i < m_recentAuthorCount; ++i) {
        const quint32 number = m_recentAuthors[size_t(i)];
        const Author &author = m_authors.at(number);
        if (author.from == message.from && author.name == message.name)
            return number;
    }
    const QString key = message.from + u'\n' + message.name;
    auto it = m_authorIndex.constFind(key);
    if (it == m_authorIndex.cend()) {
        it = m_authorIndex.insert(key, quint32(m_authors.size()));
        m_authors.append({message.from, message.name});
    }
    m_recentAuthors[size_t(m_recentAuthorNext)] = *it;
    m_recentAuthorNext = (m_recentAuthorNext + 1) % int(m_recentAuthors.size());
    m_recentAuthorCount = std::min(m_recentAuthorCount + 1, int(m_recentAuthors.size()));
    return *it;
}

MessageLogModel::Row MessageLogModel::makeRow(const ChatMessage &message)
{
    Row row;
    row.id = message.id;
    row.text = m_texts.add(message.text);
    row.type = quint8(message.type);
    row.author = authorOf(message);
    if (isMine(message))
        row.flags |= Row::Mine;
    if (MentionRule::messageMentions(message, m_myName))
        row.flags |= Row::Mention;
    Extra extra;
    if (!message.cid.isEmpty()) {
        // Every Confab client's cid: 32 lowercase hex digits, kept as 16 bytes.
        if (parseHexCid(message.cid, &row.cid))
            row.flags |= Row::HexCid;
        else
            extra.cid = message.cid;
    }
    extra.problem = message.problem;
    if (!extra.cid.isEmpty() || !extra.problem.isEmpty()) {
        row.flags |= Row::Extra;
        m_extra.insert(row.id, extra);
    }
    return row;
}

ChatMessage MessageLogModel::messageOf(const Row &row) const
{
    ChatMessage message;
    message.id = row.id;
    message.channel = m_channel;
    message.type = row.messageType();
    const Author &author = m_authors.at(row.author);
    message.from = author.from;
    message.name = author.name;
    message.text = m_texts.text(row.text);
    if (row.has(Row::HexCid))
        message.cid = QByteArray(reinterpret_cast<const char *>(row.cid.data()), 16).toHex();
    if (row.has(Row::Extra)) {
        const Extra extra = m_extra.value(row.id);
        if (!row.has(Row::HexCid))
            message.cid = extra.cid;
        message.problem = extra.problem;
    }
    return message;
}

void MessageLogModel::release(const QList<Row> &rows, qsizetype from, qsizetype count)
{
    for (qsizetype i = from; i < from + count; ++i) {
        const Row &row = rows.at(i);
        m_texts.release(row.text);
        if (row.has(Row::Extra))
            m_extra.remove(row.id);
    }
}

void MessageLogModel::compactAuthors()
{
    // Authors are few; a table far larger than the rows (a writer inventing names) is built
    // again from the rows that stay.
    if (m_authors.size() <= 2 * m_rows.size() + 1024)
        return;
    QList<Author> authors;
    QHash<QString, quint32> index;
    QHash<quint32, quint32> renumbered;
    for (Row &row : m_rows) {
        auto known = renumbered.constFind(row.author);
        if (known == renumbered.cend()) {
            const Author &author = m_authors.at(row.author);
            known = renumbered.insert(row.author, quint32(authors.size()));
            index.insert(author.from + u'\n' + author.name, quint32(authors.size()));
            authors.append(author);
        }
        row.author = *known;
    }
    m_authors = std::move(authors);
    m_authorIndex = std::move(index);
    m_recentAuthorCount = 0;
}

void MessageLogModel::removeOldest(int count)
{
    if (count <= 0)
        return;
    beginRemoveRows(QModelIndex(), 0, count - 1);
    release(m_rows, 0, count);
    m_rows.remove(0, count);
    endRemoveRows();
    forgetOlderRows();
    limitSlack();
}

void MessageLogModel::limitSlack()
{
    // A list trimmed at the front and grown at the end keeps the room of both: at the
    // scrollback limit a QList ends up with as much again as its rows, for every channel. Kept
    // to an eighth, at the cost of copying the rows once per eighth of them that arrive.
    const qsizetype size = m_rows.size();
    if (m_rows.capacity() - size <= size / 4 + 64)
        return;
    QList<Row> kept;
    kept.reserve(size + size / 8 + 64);
    kept.append(m_rows);
    m_rows = std::move(kept);
}

void MessageLogModel::trimToMaxRows()
{
    if (!m_trimmingHeld && m_rows.size() > m_maxRows) {
        removeOldest(int(m_rows.size()) - m_maxRows);
        compactAuthors();
    }
}

void MessageLogModel::forgetOlderRows()
{
    // A request in flight was made relative to rows that are gone: its page would leave a gap.
    if (m_fetch == Fetch::InFlight)
        m_fetch = Fetch::InFlightStale;
    // What was dropped is still in Redis and can be paged in again.
    m_reachedStart = false;
}

} // namespace Confab
