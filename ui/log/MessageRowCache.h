#pragma once

#include "LocalDays.h"

#include <QByteArray>
#include <QDate>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

class QAbstractItemModel;
class QModelIndex;

namespace Confab {

// What the message log's delegate needs to know about each row to size it (id, type,
// author, time, line count), read from the model once and then kept in step with the model's
// insertions and removals.
//
// QListView asks for the size of every row whenever it lays out, which it does after each
// batch of new messages. Asking the model each time (formatting and parsing ids, converting
// times) made that pass cost milliseconds per thousand rows; from this table it costs almost
// nothing, and only rows never seen before are read.
class MessageRowCache : public QObject
{
    Q_OBJECT
public:
    struct Row
    {
        QByteArray id; // the cache key: the stream id; empty until the row is read
        QString author;
        qint64 ms = 0; // the id's time; 0 if the row has none to show (no id, Expired marker)
        QDate day; // local; valid when ms is
        int type = 0; // a ChatMessage::Type
        int lines = 0; // text lines at the current width and look; 0 until known
        bool exactLines = false; // counted from a real layout, not estimated
    };

    explicit MessageRowCache(QObject *parent = nullptr);

    // The row at `index`, read from its model first if need be. A different model than
    // before starts the table over. The reference is good until the next call.
    Row &row(const QModelIndex &index);
    // True (and the table started over) if the row no longer matches the model: some change
    // was not mirrored. A safety net, checked for the rows on screen.
    bool isStale(const QModelIndex &index);
    // Line counts are for one width and look; the rest stays.
    void forgetLines();
    void clear();

Q_SIGNALS:
    // The model changed the content of a row that had been read (its layout is stale).
    void rowChanged(const QByteArray &id);

private:
    void track(const QAbstractItemModel *model);
    void read(Row &row, const QModelIndex &index);
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles);

    QPointer<const QAbstractItemModel> m_model;
    QList<QMetaObject::Connection> m_connections;
    // Index i mirrors the model's row i; shorter than the model where rows were never read.
    QList<Row> m_rows;
    LocalDays m_days;
};

} // namespace Confab
