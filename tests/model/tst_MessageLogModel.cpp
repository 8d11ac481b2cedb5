#include "model/MentionRule.h"
#include "model/MessageLogModel.h"

#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace Confab;

namespace Confab {
// Readable QCOMPARE failures.
char *toString(const StreamId &id)
{
    return QTest::toString(id.toByteArray());
}
} // namespace Confab

namespace {

const QString Channel = QStringLiteral("dev");

ChatMessage message(quint64 ms, const QString &from = QStringLiteral("bob"),
                    const QString &text = QStringLiteral("hi"),
                    ChatMessage::Type type = ChatMessage::Type::Message)
{
    ChatMessage m;
    m.id = StreamId{ms, 0};
    m.channel = Channel;
    m.from = from;
    m.text = text;
    m.type = type;
    return m;
}

// Messages with ids first..last (milliseconds), oldest first.
ChatMessageList messages(quint64 first, quint64 last)
{
    ChatMessageList list;
    for (quint64 ms = first; ms <= last; ++ms)
        list.append(message(ms));
    return list;
}

QList<quint64> rowIds(const MessageLogModel &model)
{
    QList<quint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.messageAt(row).id.ms);
    return ids;
}

QList<quint64> idRange(quint64 first, quint64 last)
{
    QList<quint64> ids;
    for (quint64 ms = first; ms <= last; ++ms)
        ids.append(ms);
    return ids;
}

// (first, last) of a rowsInserted/rowsRemoved emission.
QPair<int, int> rowRange(const QList<QVariant> &arguments)
{
    return {arguments.at(1).toInt(), arguments.at(2).toInt()};
}

QVariant roleOf(const MessageLogModel &model, int row, int role)
{
    return model.data(model.index(row), role);
}

} // namespace

// QAbstractItemModelTester calls fetchMore() on every change, as an eager view would. Tests of
// the history requests themselves call fetchMore() by hand and attach no tester; one test
// (oneRequestAtATimeForAViewThatFetchesOnEveryChange) shows the model coping with the tester.
class tst_MessageLogModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void batchAppendIsOneRowInsertionAtTheBottom()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages(messages(1, 2));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.appendMessages(messages(3, 5));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowRange(inserted.first()), qMakePair(2, 4));
        QCOMPARE(rowIds(model), idRange(1, 5));
    }

    void aSentMessageShowsAtOnceAndIsReplacedByTheServersCopy()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMyName(QStringLiteral("alice"));
        model.appendMessages(messages(1, 2));
        ChatMessage mine;
        mine.channel = Channel;
        mine.from = QStringLiteral("alice");
        mine.text = QStringLiteral("on its way");
        mine.cid = "c-1";
        model.addPending(mine);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.pendingCount(), 1);
        QCOMPARE(roleOf(model, 2, MessageLogModel::DeliveryRole).value<MessageLogModel::Delivery>(),
                 MessageLogModel::Delivery::Sending);
        QCOMPARE(roleOf(model, 2, MessageLogModel::TextRole).toString(),
                 QStringLiteral("on its way"));
        QVERIFY(roleOf(model, 2, MessageLogModel::MineRole).toBool());
        QCOMPARE(model.lastId(), (StreamId{2, 0})); // ids are the server's rows only

        // Others' messages go above it: the server has them, not yet mine.
        model.appendMessages({message(3)});
        QCOMPARE(rowIds(model), (QList<quint64>{1, 2, 3, 0}));
        QCOMPARE(model.messageAt(3).cid, QByteArray("c-1"));

        // The server's copy (same cid) takes its place: one row, delivered, with its id.
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        ChatMessage back = message(4, QStringLiteral("alice"), QStringLiteral("on its way"));
        back.cid = "c-1";
        model.appendMessages({back});
        QCOMPARE(model.pendingCount(), 0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(rowIds(model), (QList<quint64>{1, 2, 3, 4}));
        QCOMPARE(roleOf(model, 3, MessageLogModel::DeliveryRole).value<MessageLogModel::Delivery>(),
                 MessageLogModel::Delivery::Delivered);
    }

    void aRefusedMessageStaysMarked()
    {
        MessageLogModel model(Channel);
        ChatMessage mine;
        mine.from = QStringLiteral("alice");
        mine.text = QStringLiteral("x").repeated(10);
        mine.cid = "c-2";
        model.addPending(mine);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setPendingFailed("c-2", QStringLiteral("not sent: too long"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(roleOf(model, 0, MessageLogModel::DeliveryRole).value<MessageLogModel::Delivery>(),
                 MessageLogModel::Delivery::Failed);
        QCOMPARE(roleOf(model, 0, MessageLogModel::ProblemRole).toString(),
                 QStringLiteral("not sent: too long"));
        model.setPendingFailed("unknown", QStringLiteral("x")); // not ours: nothing happens
        QCOMPARE(changed.size(), 1);
        // Trimming the window never takes pending rows.
        model.setMaxRows(1);
        model.appendMessages(messages(1, 5));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.pendingCount(), 1);
    }

    // A direct conversation shows what the two said, not its join, leave and rename lines;
    // a channel shows them all.
    void directConversationsHideMembershipLines()
    {
        using T = ChatMessage::Type;
        const ChatMessageList lines{
            message(1, QStringLiteral("alice"), {}, T::Join),
            message(2, QStringLiteral("bob"), {}, T::Join),
            message(3, QStringLiteral("bob"), QStringLiteral("hi")),
            message(4, QStringLiteral("bob"), QStringLiteral("B"), T::Nick),
            message(5, QStringLiteral("alice"), QStringLiteral("waves"), T::Action)};
        MessageLogModel direct(QStringLiteral("@alice bob"));
        direct.appendMessages(lines);
        QCOMPARE(rowIds(direct), (QList<quint64>{3, 5}));
        MessageLogModel older(QStringLiteral("@alice bob"));
        older.appendMessages({message(6)});
        older.prependHistory(lines, true);
        QCOMPARE(rowIds(older), (QList<quint64>{3, 5, 6}));
        MessageLogModel channel(Channel);
        channel.appendMessages(lines);
        QCOMPARE(channel.rowCount(), 5);
    }

    void appendSkipsDuplicateAndOlderIds()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages(messages(1, 5));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.appendMessages({message(3), message(5), message(6), message(6), message(7)});
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowRange(inserted.first()), qMakePair(5, 6));
        QCOMPARE(rowIds(model), idRange(1, 7));
    }

    void appendOfOnlyKnownIdsChangesNothing()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages(messages(1, 3));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsAboutToBeInserted);
        model.appendMessages(messages(2, 3));
        model.appendMessages({});
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(rowIds(model), idRange(1, 3));
    }

    void appendPutsAnUnorderedBatchInIdOrder()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages({message(3), message(1), message(2)});
        QCOMPARE(rowIds(model), idRange(1, 3));
    }

    void appendOrdersBySequenceWithinAMillisecond()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ChatMessage a = message(7);
        ChatMessage b = message(7);
        b.id.seq = 1;
        model.appendMessages({a});
        model.appendMessages({a, b});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.lastId(), (StreamId{7, 1}));
    }

    void prependInsertsAtTheTopInOneSignal()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages(messages(10, 12));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.prependHistory(messages(5, 9), false);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowRange(inserted.first()), qMakePair(0, 4));
        QCOMPARE(rowIds(model), idRange(5, 12));
    }

    void prependSkipsIdsThatOverlapTheLog()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages(messages(10, 12));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.prependHistory(messages(8, 11), false);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowRange(inserted.first()), qMakePair(0, 1));
        QCOMPARE(rowIds(model), idRange(8, 12));
    }

    void prependIntoAnEmptyLogTakesThePage()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.prependHistory({message(2), message(1), message(2), message(3)}, true);
        QCOMPARE(rowIds(model), idRange(1, 3));
    }

    void maxRowsTrimsTheOldestRowsInOneRemoval()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.maxRows(), MessageLogModel::DefaultMaxRows);
        model.setMaxRows(5);
        model.appendMessages(messages(1, 4));
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.appendMessages(messages(5, 7));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(rowRange(removed.first()), qMakePair(0, 1));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowIds(model), idRange(3, 7));
    }

    void batchLargerThanTheWindowKeepsItsNewest()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRows(3);
        model.appendMessages(messages(1, 2));
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.appendMessages(messages(3, 10));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(rowRange(removed.first()), qMakePair(0, 1));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowRange(inserted.first()), qMakePair(0, 2));
        QCOMPARE(rowIds(model), idRange(8, 10));
    }

    void loweringMaxRowsTrimsAtOnce()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages(messages(1, 10));
        model.setMaxRows(4);
        QCOMPARE(rowIds(model), idRange(7, 10));
    }

    void trimmingMakesOlderHistoryFetchableAgain()
    {
        MessageLogModel model(Channel);
        model.appendMessages(messages(1, 3));
        model.prependHistory({}, true);
        QVERIFY(!model.canFetchMore(QModelIndex()));
        model.setMaxRows(3);
        model.appendMessages(messages(4, 4));
        QVERIFY(model.canFetchMore(QModelIndex()));
        QSignalSpy requested(&model, &MessageLogModel::olderHistoryRequested);
        model.fetchMore(QModelIndex());
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(1).value<StreamId>(), (StreamId{2, 0}));
    }

    void loweringMaxRowsMakesOlderHistoryFetchableAgain()
    {
        MessageLogModel model(Channel);
        model.prependHistory(messages(1, 3), true);
        QVERIFY(!model.canFetchMore(QModelIndex()));
        model.setMaxRows(2);
        QVERIFY(model.canFetchMore(QModelIndex()));
    }

    void batchOverflowingAnEmptyWindowMakesOlderHistoryFetchable()
    {
        MessageLogModel model(Channel);
        model.prependHistory({}, true);
        model.setMaxRows(2);
        model.appendMessages(messages(1, 5));
        QCOMPARE(rowIds(model), idRange(4, 5));
        QVERIFY(model.canFetchMore(QModelIndex()));
    }

    void heldTrimmingLetsTheWindowGrowUntilReleased()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRows(5);
        model.appendMessages(messages(1, 5));
        model.setTrimmingHeld(true);
        QVERIFY(model.isTrimmingHeld());
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.appendMessages(messages(6, 8));
        model.appendMessages(messages(9, 9));
        model.setMaxRows(4); // lowered meanwhile: waits for the release too
        QCOMPARE(removed.size(), 0);
        QCOMPARE(rowIds(model), idRange(1, 9));

        model.setTrimmingHeld(false);
        QVERIFY(!model.isTrimmingHeld());
        QCOMPARE(removed.size(), 1);
        QCOMPARE(rowRange(removed.first()), qMakePair(0, 4));
        QCOMPARE(rowIds(model), idRange(6, 9));
        model.setTrimmingHeld(false);
        QCOMPARE(removed.size(), 1);
        // And trims on every append again.
        model.appendMessages(messages(10, 10));
        QCOMPARE(rowIds(model), idRange(7, 10));
    }

    void heldTrimmingKeepsAPageAskedForMeanwhile()
    {
        // The reader pages back while messages keep coming: the request must stay good.
        MessageLogModel model(Channel);
        model.setMaxRows(3);
        model.appendMessages(messages(10, 12));
        model.setTrimmingHeld(true);
        model.fetchMore(QModelIndex()); // before 10
        model.appendMessages(messages(13, 14));
        model.prependHistory(messages(7, 9), true);
        QCOMPARE(rowIds(model), idRange(7, 14));
        QVERIFY(!model.canFetchMore(QModelIndex()));

        // Released, the trimmed rows are in Redis still: they can be paged in again.
        model.setTrimmingHeld(false);
        QCOMPARE(rowIds(model), idRange(12, 14));
        QVERIFY(model.canFetchMore(QModelIndex()));
    }

    void releasingTrimmingDropsAPageAskedForBeforeIt()
    {
        MessageLogModel model(Channel);
        model.setMaxRows(3);
        model.setTrimmingHeld(true);
        model.appendMessages(messages(10, 14));
        model.fetchMore(QModelIndex()); // before 10, which the release trims
        model.setTrimmingHeld(false);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.prependHistory(messages(7, 9), false);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(rowIds(model), idRange(12, 14));
    }

    void fetchMoreRequestsHistoryBeforeTheOldestRow()
    {
        MessageLogModel model(Channel);
        model.appendMessages(messages(10, 12));
        QVERIFY(model.canFetchMore(QModelIndex()));
        QSignalSpy requested(&model, &MessageLogModel::olderHistoryRequested);
        model.fetchMore(QModelIndex());
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(0).toString(), Channel);
        QCOMPARE(requested.first().at(1).value<StreamId>(), (StreamId{10, 0}));
    }

    void fetchMoreOnAnEmptyLogRequestsTheNewestPage()
    {
        MessageLogModel model(Channel);
        QVERIFY(model.canFetchMore(QModelIndex()));
        QSignalSpy requested(&model, &MessageLogModel::olderHistoryRequested);
        model.fetchMore(QModelIndex());
        QCOMPARE(requested.size(), 1);
        QVERIFY(requested.first().at(1).value<StreamId>().isNull());
    }

    void fetchMoreWaitsForTheAnswerBeforeAskingAgain()
    {
        MessageLogModel model(Channel);
        model.appendMessages(messages(10, 12));
        QSignalSpy requested(&model, &MessageLogModel::olderHistoryRequested);
        model.fetchMore(QModelIndex());
        QVERIFY(model.isFetchingHistory());
        QVERIFY(!model.canFetchMore(QModelIndex()));
        model.fetchMore(QModelIndex());
        QCOMPARE(requested.size(), 1);

        model.prependHistory(messages(7, 9), false);
        QVERIFY(!model.isFetchingHistory());
        QVERIFY(model.canFetchMore(QModelIndex()));
        model.fetchMore(QModelIndex());
        QCOMPARE(requested.size(), 2);
        QCOMPARE(requested.last().at(1).value<StreamId>(), (StreamId{7, 0}));
    }

    void failedRequestAllowsAnotherOne()
    {
        MessageLogModel model(Channel);
        model.appendMessages(messages(10, 12));
        QSignalSpy requested(&model, &MessageLogModel::olderHistoryRequested);
        model.fetchMore(QModelIndex());
        model.historyRequestFailed();
        QVERIFY(model.canFetchMore(QModelIndex()));
        model.fetchMore(QModelIndex());
        QCOMPARE(requested.size(), 2);
        QCOMPARE(requested.last().at(1).value<StreamId>(), (StreamId{10, 0}));
    }

    void reachingTheStartStopsFetching()
    {
        MessageLogModel model(Channel);
        model.appendMessages(messages(10, 12));
        model.fetchMore(QModelIndex());
        model.prependHistory(messages(1, 9), true);
        QVERIFY(model.hasReachedStart());
        QVERIFY(!model.canFetchMore(QModelIndex()));
        QSignalSpy requested(&model, &MessageLogModel::olderHistoryRequested);
        model.fetchMore(QModelIndex());
        QCOMPARE(requested.size(), 0);
    }

    void emptyAnswerForAnEmptyLogStopsAsking()
    {
        MessageLogModel model(Channel);
        model.fetchMore(QModelIndex());
        model.prependHistory({}, false);
        QVERIFY(!model.canFetchMore(QModelIndex()));
    }

    void pageAskedForBeforeATrimIsDropped()
    {
        MessageLogModel model(Channel);
        model.setMaxRows(3);
        model.appendMessages(messages(10, 12));
        model.fetchMore(QModelIndex()); // before 10
        model.appendMessages(messages(13, 13)); // trims 10
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.prependHistory(messages(7, 9), false);
        QCOMPARE(inserted.size(), 0); // 7..9 above 11 would hide that 10 is missing
        QCOMPARE(rowIds(model), idRange(11, 13));

        QVERIFY(model.canFetchMore(QModelIndex()));
        QSignalSpy requested(&model, &MessageLogModel::olderHistoryRequested);
        model.fetchMore(QModelIndex());
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(1).value<StreamId>(), (StreamId{11, 0}));
    }

    void pageAskedForBeforeClearIsDropped()
    {
        MessageLogModel model(Channel);
        model.appendMessages(messages(10, 12));
        model.fetchMore(QModelIndex());
        model.clear();
        QVERIFY(!model.canFetchMore(QModelIndex())); // until the old request is answered
        model.prependHistory(messages(7, 9), false);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.canFetchMore(QModelIndex()));
    }

    void oneRequestAtATimeForAViewThatFetchesOnEveryChange()
    {
        MessageLogModel model(Channel);
        QSignalSpy requested(&model, &MessageLogModel::olderHistoryRequested);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(requested.size(), 1); // the tester asked for the newest page at once
        model.appendMessages(messages(10, 12));
        QCOMPARE(requested.size(), 1);
        // The rows of an answer are inserted before the next request is allowed, so a view
        // reacting to the insertion cannot ask for the same page again.
        model.prependHistory(messages(7, 9), false);
        QCOMPARE(requested.size(), 1);
        model.fetchMore(QModelIndex());
        QCOMPARE(requested.size(), 2);
        QCOMPARE(requested.last().at(1).value<StreamId>(), (StreamId{7, 0}));
    }

    void clearEmptiesTheLogAndForgetsItsHistory()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.prependHistory(messages(1, 3), true);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.lastId().isNull());
        QVERIFY(!model.hasReachedStart());
        model.appendMessages(messages(2, 2)); // lower than before: a new log
        QCOMPARE(rowIds(model), idRange(2, 2));
    }

    void rowOfIdFindsEveryRow()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ChatMessageList list = messages(1, 50);
        for (qsizetype i = 0; i < list.size(); ++i)
            list[i].id = StreamId{100 + quint64(i / 3), quint64(i % 3)};
        model.appendMessages(list);
        for (int row = 0; row < list.size(); ++row)
            QCOMPARE(model.rowOfId(list.at(row).id), row);
        QCOMPARE(model.rowOfId(StreamId{99, 0}), -1);
        QCOMPARE(model.rowOfId(StreamId{100, 5}), -1);
        QCOMPARE(model.rowOfId(StreamId{200, 0}), -1);
    }

    void firstLastAndMessageAt()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.firstId().isNull());
        QVERIFY(model.lastId().isNull());
        model.appendMessages(messages(4, 6));
        QCOMPARE(model.firstId(), (StreamId{4, 0}));
        QCOMPARE(model.lastId(), (StreamId{6, 0}));
        QCOMPARE(model.messageAt(1), message(5));
        QCOMPARE(model.messageAt(3), ChatMessage());
        QCOMPARE(model.messageAt(-1), ChatMessage());
        QCOMPARE(model.channel(), Channel);
    }

    void rolesExposeTheMessage()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ChatMessage m = message(1700000000123, QStringLiteral("alice"), QStringLiteral("hello"),
                                ChatMessage::Type::Action);
        m.id.seq = 4;
        m.problem = QStringLiteral("missing cid");
        model.appendMessages({m});
        QCOMPARE(roleOf(model, 0, MessageLogModel::IdRole).toByteArray(),
                 QByteArray("1700000000123-4"));
        QCOMPARE(roleOf(model, 0, MessageLogModel::TimeRole).toDateTime(),
                 QDateTime::fromMSecsSinceEpoch(1700000000123));
        QCOMPARE(roleOf(model, 0, MessageLogModel::AuthorRole).toString(), QStringLiteral("alice"));
        QCOMPARE(roleOf(model, 0, MessageLogModel::TextRole).toString(), QStringLiteral("hello"));
        QCOMPARE(roleOf(model, 0, MessageLogModel::TypeRole).toInt(),
                 int(ChatMessage::Type::Action));
        QCOMPARE(roleOf(model, 0, MessageLogModel::ProblemRole).toString(),
                 QStringLiteral("missing cid"));
        QCOMPARE(roleOf(model, 0, MessageLogModel::MessageRole).value<ChatMessage>(), m);
    }

    void roleNamesCoverEveryRole()
    {
        MessageLogModel model(Channel);
        const QHash<int, QByteArray> names = model.roleNames();
        for (int role = MessageLogModel::IdRole; role <= MessageLogModel::MessageRole; ++role)
            QVERIFY2(!names.value(role).isEmpty(), QByteArray::number(role).constData());
        QCOMPARE(names.value(MessageLogModel::MentionRole), QByteArray("mention"));
        QCOMPARE(names.value(Qt::DisplayRole), QByteArray("display"));
    }

    void toolTipIsTheFullDateAndTime()
    {
        MessageLogModel model(Channel);
        model.appendMessages({message(1700000000123)});
        const QDateTime time = QDateTime::fromMSecsSinceEpoch(1700000000123);
        QCOMPARE(roleOf(model, 0, Qt::ToolTipRole).toString(),
                 QLocale().toString(time, QLocale::LongFormat));
    }

    void plainTextPerType_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QString>("expected");
        using T = ChatMessage::Type;
        const QString none;
        QTest::newRow("message") << int(T::Message) << QStringLiteral("hello") << none
                                 << QStringLiteral("alice: hello");
        QTest::newRow("action") << int(T::Action) << QStringLiteral("waves") << none
                                << QStringLiteral("* alice waves");
        QTest::newRow("join") << int(T::Join) << none << none << QStringLiteral("alice joined");
        QTest::newRow("leave") << int(T::Leave) << none << none << QStringLiteral("alice left");
        QTest::newRow("topic") << int(T::Topic) << QStringLiteral("Release 1.0") << none
                               << QStringLiteral("alice set the topic to: Release 1.0");
        QTest::newRow("nick") << int(T::Nick) << QStringLiteral("bob") << none
                              << QStringLiteral("alice is now known as bob");
        QTest::newRow("expired") << int(T::Expired) << none << none
                                 << QStringLiteral("Older messages expired");
        QTest::newRow("unknown") << int(T::Unknown) << QStringLiteral("beep") << none
                                 << QStringLiteral("alice: beep");
        QTest::newRow("malformed")
            << int(T::Message) << QStringLiteral("hi") << QStringLiteral("invalid UTF-8")
            << QStringLiteral("alice: hi [invalid UTF-8]");
        QTest::newRow("multi-line") << int(T::Message) << QStringLiteral("one\ntwo\r\nthree")
                                    << none << QStringLiteral("alice: one two three");
        QTest::newRow("placeholders in text")
            << int(T::Message) << QStringLiteral("%1 %2") << none << QStringLiteral("alice: %1 %2");
    }

    void plainTextPerType()
    {
        QFETCH(int, type);
        QFETCH(QString, text);
        QFETCH(QString, problem);
        QFETCH(QString, expected);
        ChatMessage m = message(1, QStringLiteral("alice"), text, ChatMessage::Type(type));
        m.problem = problem;
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages({m});
        QCOMPARE(roleOf(model, 0, Qt::DisplayRole).toString(), expected);
        // Screen readers hear the time first, as the view shows it.
        QCOMPARE(roleOf(model, 0, Qt::AccessibleTextRole).toString(),
                 QLocale().toString(m.time().time(), QLocale::ShortFormat) + QStringLiteral(", ")
                     + expected);
        QCOMPARE(MessageLogModel::plainText(m), expected);
    }

    void expiredMarkerIsAnOrdinaryRow()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages(messages(10, 11));
        model.prependHistory({message(9, QString(), QString(), ChatMessage::Type::Expired)}, true);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(roleOf(model, 0, MessageLogModel::TypeRole).toInt(),
                 int(ChatMessage::Type::Expired));
        QCOMPARE(model.rowOfId(StreamId{9, 0}), 0);
    }

    void rolledBackMarkerReplacesTheLostRows()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages(messages(1, 5));
        ChatMessage pending = message(0, QStringLiteral("me"), QStringLiteral("unsent"));
        pending.cid = "c1";
        model.addPending(pending);
        // The log now ends at 3: rows 4 and 5 were lost; the pending row stays at the bottom.
        model.appendMessages({message(3, QString(), QString(), ChatMessage::Type::RolledBack)});
        QCOMPARE(rowIds(model), (QList<quint64>{1, 2, 3, 3, 0}));
        QCOMPARE(roleOf(model, 3, MessageLogModel::TypeRole).toInt(),
                 int(ChatMessage::Type::RolledBack));
        QVERIFY(roleOf(model, 3, MessageLogModel::TextRole)
                    .toString()
                    .startsWith(QStringLiteral("2 message")));
        QCOMPARE(model.rowOfId(StreamId{3, 0}), 2);
        // What the log holds after 3 now (a new master's entry, id 4 again) appends below.
        model.appendMessages({message(4, QStringLiteral("carol"), QStringLiteral("new"))});
        QCOMPARE(rowIds(model), (QList<quint64>{1, 2, 3, 3, 4, 0}));
        QCOMPARE(roleOf(model, 4, MessageLogModel::TextRole).toString(), QStringLiteral("new"));
    }

    void mineRoleMarksMessagesFromMyName()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMyName(QStringLiteral("al"));
        model.appendMessages({message(1, QStringLiteral("al")), message(2, QStringLiteral("Al")),
                              message(3, QStringLiteral("bob"))});
        QCOMPARE(roleOf(model, 0, MessageLogModel::MineRole).toBool(), true);
        QCOMPARE(roleOf(model, 1, MessageLogModel::MineRole).toBool(), false);
        QCOMPARE(roleOf(model, 2, MessageLogModel::MineRole).toBool(), false);
    }

    void mentionRole_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("mention");
        QTest::newRow("plain word") << QStringLiteral("hi al, look") << true;
        QTest::newRow("with @") << QStringLiteral("@al look") << true;
        QTest::newRow("@ mid-sentence") << QStringLiteral("ask @al.") << true;
        QTest::newRow("only the name") << QStringLiteral("al") << true;
        QTest::newRow("other case") << QStringLiteral("AL: ping") << true;
        QTest::newRow("in parentheses") << QStringLiteral("(cc al)") << true;
        QTest::newRow("possessive") << QStringLiteral("al's idea") << true;
        QTest::newRow("end of sentence") << QStringLiteral("thanks al.") << true;
        QTest::newRow("next to emoji") << QStringLiteral("al\U0001F389") << true;
        QTest::newRow("second occurrence") << QStringLiteral("alice and al") << true;
        QTest::newRow("prefix of a word") << QStringLiteral("alice is here") << false;
        QTest::newRow("suffix of a word") << QStringLiteral("hal 9000") << false;
        QTest::newRow("@ prefix of a word") << QStringLiteral("@alice") << false;
        QTest::newRow("digit after") << QStringLiteral("al2 ok") << false;
        QTest::newRow("underscore after") << QStringLiteral("al_b ok") << false;
        QTest::newRow("hyphenated name") << QStringLiteral("al-ex ok") << false;
        QTest::newRow("dotted name") << QStringLiteral("al.smith ok") << false;
        QTest::newRow("email address") << QStringLiteral("mail me@al.org") << false;
        QTest::newRow("accented letter after") << QStringLiteral("alé") << false;
        QTest::newRow("not there") << QStringLiteral("hello") << false;
        // Case is folded the Unicode way, not only ASCII's: "AL" written with other letters
        // that fold to a and l, and letters that only look close.
        QTest::newRow("full-width letters") << QStringLiteral("\uFF21\uFF2C ping") << false;
        QTest::newRow("capital A with ring") << QStringLiteral("\u00C5L ping") << false;
        QTest::newRow("name at the very end") << QStringLiteral("ping AL") << true;
        QTest::newRow("name cut by the end") << QStringLiteral("ping A") << false;
    }

    void mentionFoldsCaseLikeUnicode_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("mention");
        // U+212A KELVIN SIGN folds to k, U+017F LONG S to s: the same as QString's own search.
        QTest::newRow("kelvin sign")
            << QStringLiteral("kim") << QStringLiteral("hi \u212Aim") << true;
        QTest::newRow("long s") << QStringLiteral("sam") << QStringLiteral("hi \u017Fam!") << true;
        QTest::newRow("non-ASCII name")
            << QStringLiteral("\u00E9lodie") << QStringLiteral("hi \u00C9LODIE") << true;
        QTest::newRow("non-ASCII name, other word")
            << QStringLiteral("\u00E9lo") << QStringLiteral("\u00C9LODIE") << false;
        QTest::newRow("astral text")
            << QStringLiteral("al") << QStringLiteral("\U0001F389 al \U0001D400") << true;
    }

    void mentionFoldsCaseLikeUnicode()
    {
        QFETCH(QString, name);
        QFETCH(QString, text);
        QFETCH(bool, mention);
        QCOMPARE(MentionRule::textMentions(text, name), mention);
        // Whatever the fast path does, it finds what QString's case-insensitive search finds.
        QCOMPARE(text.indexOf(name, 0, Qt::CaseInsensitive) >= 0 || !mention, true);
    }

    void mentionRole()
    {
        QFETCH(QString, text);
        QFETCH(bool, mention);
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMyName(QStringLiteral("al"));
        model.appendMessages({message(1, QStringLiteral("bob"), text)});
        QCOMPARE(roleOf(model, 0, MessageLogModel::MentionRole).toBool(), mention);
    }

    void ownMessagesNeverMention()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMyName(QStringLiteral("al"));
        model.appendMessages(
            {message(1, QStringLiteral("al"), QStringLiteral("@al note to self"))});
        QCOMPARE(roleOf(model, 0, MessageLogModel::MentionRole).toBool(), false);
    }

    void onlyWrittenTextMentions()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMyName(QStringLiteral("al"));
        const QString al = QStringLiteral("al");
        const QString bob = QStringLiteral("bob");
        model.appendMessages({message(1, bob, al, ChatMessage::Type::Action),
                              message(2, bob, al, ChatMessage::Type::Topic),
                              message(3, bob, al, ChatMessage::Type::Nick),
                              message(4, bob, al, ChatMessage::Type::Join)});
        QCOMPARE(roleOf(model, 0, MessageLogModel::MentionRole).toBool(), true);
        QCOMPARE(roleOf(model, 1, MessageLogModel::MentionRole).toBool(), true);
        QCOMPARE(roleOf(model, 2, MessageLogModel::MentionRole).toBool(), false);
        QCOMPARE(roleOf(model, 3, MessageLogModel::MentionRole).toBool(), false);
    }

    void withoutMyNameNothingIsMineOrAMention()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages({message(1, QString(), QStringLiteral("x"))});
        QCOMPARE(roleOf(model, 0, MessageLogModel::MineRole).toBool(), false);
        QCOMPARE(roleOf(model, 0, MessageLogModel::MentionRole).toBool(), false);
    }

    void setMyNameRecomputesEveryRow()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessages({message(1, QStringLiteral("al"), QStringLiteral("hi bob")),
                              message(2, QStringLiteral("bob"), QStringLiteral("hi al")),
                              message(3, QStringLiteral("cy"), QStringLiteral("hi"))});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setMyName(QStringLiteral("al"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 0);
        QCOMPARE(changed.first().at(1).toModelIndex().row(), 2);
        const auto roles = changed.first().at(2).value<QList<int>>();
        QVERIFY(roles.contains(MessageLogModel::MineRole));
        QVERIFY(roles.contains(MessageLogModel::MentionRole));
        QCOMPARE(roleOf(model, 0, MessageLogModel::MineRole).toBool(), true);
        QCOMPARE(roleOf(model, 1, MessageLogModel::MentionRole).toBool(), true);

        model.setMyName(QStringLiteral("bob"));
        QCOMPARE(changed.size(), 2);
        QCOMPARE(roleOf(model, 0, MessageLogModel::MineRole).toBool(), false);
        QCOMPARE(roleOf(model, 0, MessageLogModel::MentionRole).toBool(), true);
        QCOMPARE(roleOf(model, 1, MessageLogModel::MineRole).toBool(), true);
        QCOMPARE(roleOf(model, 1, MessageLogModel::MentionRole).toBool(), false);
    }

    void settingTheSameNameChangesNothing()
    {
        MessageLogModel model(Channel);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMyName(QStringLiteral("al"));
        model.appendMessages(messages(1, 3));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setMyName(QStringLiteral("al"));
        QCOMPARE(changed.size(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_MessageLogModel)
#include "tst_MessageLogModel.moc"
