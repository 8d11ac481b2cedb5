#include "MessageRowCache.h"

#include "model/MessageLogModel.h"

#include <QAbstractItemModel>

#include <algorithm>
#include <optional>

namespace Confab {

MessageRowCache::MessageRowCache(QObject *parent)
    : QObject(parent)
{ }

void MessageRowCache::track(const QAbstractItemModel *model)
{
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    m_rows.clear();
    m_model = model;
    if (!model)
        return;
    using Model = QAbstractItemModel;
    m_connections = {
        connect(model, &Model::rowsInserted, this, &MessageRowCache::onRowsInserted),
        connect(model, &Model::rowsRemoved, this, &MessageRowCache::onRowsRemoved),
        connect(model, &Model::dataChanged, this, &MessageRowCache::onDataChanged),
        // Rare wholesale changes: start over.
        connect(model, &Model::rowsMoved, this, &MessageRowCache::clear),
        connect(model, &Model::modelReset, this, &MessageRowCache::clear),
        connect(model, &Model::layoutChanged, this, &MessageRowCache::clear),
    };
}

MessageRowCache::Row &MessageRowCache::row(const QModelIndex &index)
{
    if (index.model() != m_model)
        track(index.model());
    const int number = index.row();
    if (number >= m_rows.size())
        m_rows.resize(number + 1);
    Row &row = m_rows[number];
    if (row.id.isEmpty())
        read(row, index);
    return row;
}

void MessageRowCache::read(Row &row, const QModelIndex &index)
{
    row = Row();
    row.id = index.data(MessageLogModel::IdRole).toByteArray();
    row.type = index.data(MessageLogModel::TypeRole).toInt();
    row.author = index.data(MessageLogModel::AuthorRole).toString();
    // The time is taken from the id ("ms-seq"), not TimeRole: a QDateTime in local time
    // costs a time zone look-up.
    const std::optional<StreamId> id = StreamId::parse(row.id);
    if (!id || id->isNull()) {
        // Not from Redis (yet): no id to tell rows apart, so the content has to. Its time is
        // when it was typed (a message queued offline is not from when it goes out), so that
        // it is stamped and grouped with the messages before it.
        const QString text = index.data(MessageLogModel::TextRole).toString();
        row.id = "0-0/" + QByteArray::number(qHash(row.author) ^ qHash(text) ^ uint(row.type));
        const QDateTime typed = index.data(MessageLogModel::TimeRole).toDateTime();
        if (typed.isValid()) {
            row.ms = typed.toMSecsSinceEpoch();
            row.day = m_days.dayOf(row.ms);
        }
        return;
    }
    if (row.type == int(ChatMessage::Type::Expired)
        || row.type == int(ChatMessage::Type::RolledBack)
        || row.type == int(ChatMessage::Type::NewMessages))
        return;
    row.ms = qint64(id->ms);
    row.day = m_days.dayOf(row.ms);
}

bool MessageRowCache::isStale(const QModelIndex &index)
{
    if (index.model() != m_model || index.row() >= m_rows.size())
        return false;
    const QByteArray &id = m_rows.at(index.row()).id;
    if (id.isEmpty() || id.startsWith("0-0/")
        || id == index.data(MessageLogModel::IdRole).toByteArray())
        return false;
    qWarning("MessageRowCache: row %d out of step with the model; starting over", index.row());
    clear();
    return true;
}

void MessageRowCache::forgetLines()
{
    for (Row &row : m_rows) {
        row.lines = 0;
        row.exactLines = false;
    }
}

void MessageRowCache::clear()
{
    m_rows.clear();
}

void MessageRowCache::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid() || first > m_rows.size())
        return; // past what was read: nothing to shift
    m_rows.insert(first, last - first + 1, Row());
}

void MessageRowCache::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid() || first >= m_rows.size())
        return;
    m_rows.remove(first, std::min<qsizetype>(last, m_rows.size() - 1) - first + 1);
}

void MessageRowCache::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                    const QList<int> &roles)
{
    // MessageLogModel changes only MineRole and MentionRole in place, which are read when
    // painting; anything else means the row has to be read and laid out again.
    static const QList<int> contentRoles = {
        Qt::DisplayRole,
        MessageLogModel::IdRole,
        MessageLogModel::TimeRole,
        MessageLogModel::AuthorRole,
        MessageLogModel::TextRole,
        MessageLogModel::TypeRole,
        MessageLogModel::ProblemRole,
        MessageLogModel::MessageRole,
    };
    if (topLeft.parent().isValid())
        return;
    if (!roles.isEmpty() && std::none_of(roles.cbegin(), roles.cend(), [](int role) {
            return contentRoles.contains(role);
        }))
        return;
    const int last = std::min<int>(bottomRight.row(), int(m_rows.size()) - 1);
    for (int number = topLeft.row(); number <= last; ++number) {
        Row &row = m_rows[number];
        if (row.id.isEmpty())
            continue;
        Q_EMIT rowChanged(row.id);
        row = Row();
    }
}

} // namespace Confab
