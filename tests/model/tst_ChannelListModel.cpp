#include "model/ChannelListModel.h"
#include "model/MemberListModel.h"
#include "model/NameOrder.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Confab;

namespace {

ChannelInfo channel(const QString &name, const QString &topic = QString())
{
    ChannelInfo info;
    info.name = name;
    info.topic = topic;
    return info;
}

ChannelInfoList channels(const QStringList &names)
{
    ChannelInfoList list;
    for (const QString &name : names)
        list.append(channel(name));
    return list;
}

QStringList rowNames(const ChannelListModel &model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names.append(model.nameAt(row));
    return names;
}

QVariant roleOf(const ChannelListModel &model, const QString &name, int role)
{
    return model.data(model.index(model.indexOf(name)), role);
}

QPair<int, int> rowRange(const QList<QVariant> &arguments)
{
    return {arguments.at(1).toInt(), arguments.at(2).toInt()};
}

QStringList split(const char *names)
{
    return QString::fromLatin1(names).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

} // namespace

class tst_ChannelListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<ChannelListModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void rowsAreSortedCaseInsensitively()
    {
        m_model->setChannels(channels(split("zeta Beta alpha2 Alpha gamma")));
        QCOMPARE(rowNames(*m_model), split("Alpha alpha2 Beta gamma zeta"));
    }

    // Numbers in names sort by value, as in a file manager (ch2 before ch10), in every list.
    void rowsAreSortedNaturally()
    {
        m_model->setChannels(channels(split("ch10 ch2 ch1 ch11 ch02 release-1.10 release-1.9 x")));
        QCOMPARE(rowNames(*m_model), split("ch1 ch02 ch2 ch10 ch11 release-1.9 release-1.10 x"));
        MemberListModel members;
        members.setMembers(split("user10 User9 user1"));
        QCOMPARE(members.index(0).data(MemberListModel::NameRole).toString(),
                 QStringLiteral("user1"));
        QCOMPARE(members.index(1).data(MemberListModel::NameRole).toString(),
                 QStringLiteral("User9"));
    }

    void nameOrderIsATotalOrder()
    {
        const QStringList names = split("a a1 a01 a001 A1 a10 a2 a9z a10a 9 10 010 b Z ä - _");
        for (const QString &a : names) {
            QCOMPARE(NameOrder::compare(a, a), 0);
            for (const QString &b : names) {
                const int ab = NameOrder::compare(a, b);
                QCOMPARE(ab == 0, a == b);
                QCOMPARE(ab<0, NameOrder::compare(b, a)> 0);
                for (const QString &c : names) {
                    if (ab < 0 && NameOrder::compare(b, c) < 0)
                        QVERIFY2(NameOrder::compare(a, c) < 0, qPrintable(a + u' ' + b + u' ' + c));
                }
            }
        }
    }

    void namesDifferingOnlyInCaseAreDistinctRows()
    {
        m_model->setChannels(channels(split("dev Dev")));
        QCOMPARE(rowNames(*m_model), split("Dev dev"));
        QCOMPARE(m_model->indexOf(QStringLiteral("Dev")), 0);
        QCOMPARE(m_model->indexOf(QStringLiteral("dev")), 1);
        QCOMPARE(m_model->indexOf(QStringLiteral("DEV")), -1);
    }

    void setChannelsInsertsNewRowsWhereTheySort()
    {
        m_model->setChannels(channels(split("a c e")));
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        m_model->setChannels(channels(split("f d b a c e")));
        QCOMPARE(rowNames(*m_model), split("a b c d e f"));
        QCOMPARE(inserted.size(), 3);
        QCOMPARE(rowRange(inserted.at(0)), qMakePair(1, 1));
        QCOMPARE(rowRange(inserted.at(1)), qMakePair(3, 3));
        QCOMPARE(rowRange(inserted.at(2)), qMakePair(5, 5));
        QCOMPARE(removed.size(), 0);
        QCOMPARE(reset.size(), 0);
    }

    void setChannelsInsertsAdjacentNewRowsAsOneBlock()
    {
        m_model->setChannels(channels(split("a d")));
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        m_model->setChannels(channels(split("a b c d")));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowRange(inserted.first()), qMakePair(1, 2));
    }

    void setChannelsRemovesMissingRows()
    {
        m_model->setChannels(channels(split("a b c d e")));
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        m_model->setChannels(channels(split("a e")));
        QCOMPARE(rowNames(*m_model), split("a e"));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(rowRange(removed.first()), qMakePair(1, 3));
    }

    void setChannelsUpdatesChangedRowsInPlace()
    {
        m_model->setChannels(channels(split("a b c")));
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        m_model->setChannels({channel(QStringLiteral("a")),
                              channel(QStringLiteral("b"), QStringLiteral("new topic")),
                              channel(QStringLiteral("c"))});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
        QCOMPARE(roleOf(*m_model, QStringLiteral("b"), ChannelListModel::TopicRole).toString(),
                 QStringLiteral("new topic"));
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(removed.size(), 0);
    }

    void setChannelsKeepsUnreadStateOfSurvivingRows()
    {
        m_model->setChannels(channels(split("a b c")));
        m_model->addUnread(QStringLiteral("b"), 3, true);
        m_model->setChannels({channel(QStringLiteral("a0")),
                              channel(QStringLiteral("b"), QStringLiteral("topic")),
                              channel(QStringLiteral("d"))});
        QCOMPARE(rowNames(*m_model), split("a0 b d"));
        QCOMPARE(roleOf(*m_model, QStringLiteral("b"), ChannelListModel::UnreadRole).toInt(), 3);
        QCOMPARE(roleOf(*m_model, QStringLiteral("b"), ChannelListModel::MentionRole).toBool(),
                 true);
        QCOMPARE(m_model->totalUnread(), 3);
    }

    void setChannelsKeepsTheLastOfDuplicateNames()
    {
        m_model->setChannels({channel(QStringLiteral("a"), QStringLiteral("old")),
                              channel(QStringLiteral("a"), QStringLiteral("new")),
                              channel(QString())});
        QCOMPARE(rowNames(*m_model), split("a"));
        QCOMPARE(roleOf(*m_model, QStringLiteral("a"), ChannelListModel::TopicRole).toString(),
                 QStringLiteral("new"));
    }

    void removingAnUnreadChannelLowersTheTotal()
    {
        m_model->setChannels(channels(split("a b")));
        m_model->addUnread(QStringLiteral("a"), 2, false);
        m_model->addUnread(QStringLiteral("b"), 5, false);
        QSignalSpy total(m_model.get(), &ChannelListModel::totalUnreadChanged);
        m_model->setChannels(channels(split("a")));
        QCOMPARE(total.size(), 1);
        QCOMPARE(total.first().at(0).toInt(), 2);
        m_model->removeChannel(QStringLiteral("a"));
        QCOMPARE(total.size(), 2);
        QCOMPARE(total.last().at(0).toInt(), 0);
    }

    void upsertInsertsWhereTheChannelSorts()
    {
        m_model->setChannels(channels(split("a c")));
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        m_model->upsertChannel(channel(QStringLiteral("B")));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowRange(inserted.first()), qMakePair(1, 1));
        QCOMPARE(rowNames(*m_model), split("a B c"));
    }

    void upsertUpdatesAnExistingRowAndKeepsItsUnreadCount()
    {
        m_model->setChannels(channels(split("a c")));
        m_model->addUnread(QStringLiteral("c"), 4, false);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        ChannelInfo info = channel(QStringLiteral("c"), QStringLiteral("topic"));
        info.memberCount = 12;
        info.joined = true;
        m_model->upsertChannel(info);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
        QCOMPARE(
            roleOf(*m_model, QStringLiteral("c"), ChannelListModel::InfoRole).value<ChannelInfo>(),
            info);
        QCOMPARE(roleOf(*m_model, QStringLiteral("c"), ChannelListModel::UnreadRole).toInt(), 4);

        m_model->upsertChannel(info);
        QCOMPARE(changed.size(), 1); // nothing changed, nothing to repaint
    }

    void removeChannelRemovesItsRow()
    {
        m_model->setChannels(channels(split("a b c")));
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        m_model->removeChannel(QStringLiteral("b"));
        m_model->removeChannel(QStringLiteral("absent"));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(rowRange(removed.first()), qMakePair(1, 1));
        QCOMPARE(rowNames(*m_model), split("a c"));
    }

    void addUnreadCountsAndMarksMentions()
    {
        m_model->setChannels(channels(split("a b")));
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy total(m_model.get(), &ChannelListModel::totalUnreadChanged);
        m_model->addUnread(QStringLiteral("b"), 2, false);
        m_model->addUnread(QStringLiteral("b"), 1, true);
        m_model->addUnread(QStringLiteral("b"), 4, false);
        QCOMPARE(roleOf(*m_model, QStringLiteral("b"), ChannelListModel::UnreadRole).toInt(), 7);
        QCOMPARE(roleOf(*m_model, QStringLiteral("b"), ChannelListModel::MentionRole).toBool(),
                 true);
        QCOMPARE(roleOf(*m_model, QStringLiteral("a"), ChannelListModel::UnreadRole).toInt(), 0);
        QCOMPARE(changed.size(), 3);
        QCOMPARE(changed.last().at(0).toModelIndex().row(), 1);
        QCOMPARE(total.size(), 3);
        QCOMPARE(total.last().at(0).toInt(), 7);
        QCOMPARE(m_model->totalUnread(), 7);
    }

    // How many mention the user is counted apart from how many are unread, so that a badge
    // can say both ("@1" and "5", not "@5").
    void mentionsAreCountedApartFromUnread()
    {
        m_model->setChannels(channels(split("a")));
        m_model->addUnread(QStringLiteral("a"), 4, 0);
        m_model->addUnread(QStringLiteral("a"), 3, 2);
        const auto value = [this](int role) {
            return roleOf(*m_model, QStringLiteral("a"), role);
        };
        QCOMPARE(value(ChannelListModel::UnreadRole).toInt(), 7);
        QCOMPARE(value(ChannelListModel::MentionCountRole).toInt(), 2);
        QVERIFY(value(ChannelListModel::MentionRole).toBool());
        m_model->markRead(QStringLiteral("a"));
        QCOMPARE(value(ChannelListModel::MentionCountRole).toInt(), 0);
    }

    void addUnreadForAnUnknownChannelIsIgnored()
    {
        m_model->setChannels(channels(split("a")));
        QSignalSpy total(m_model.get(), &ChannelListModel::totalUnreadChanged);
        m_model->addUnread(QStringLiteral("b"), 2, true);
        QCOMPARE(total.size(), 0);
        QCOMPARE(m_model->totalUnread(), 0);
    }

    void markReadClearsCountAndMention()
    {
        m_model->setChannels(channels(split("a b")));
        m_model->addUnread(QStringLiteral("a"), 1, false);
        m_model->addUnread(QStringLiteral("b"), 2, true);
        QSignalSpy total(m_model.get(), &ChannelListModel::totalUnreadChanged);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->markRead(QStringLiteral("b"));
        QCOMPARE(roleOf(*m_model, QStringLiteral("b"), ChannelListModel::UnreadRole).toInt(), 0);
        QCOMPARE(roleOf(*m_model, QStringLiteral("b"), ChannelListModel::MentionRole).toBool(),
                 false);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(total.size(), 1);
        QCOMPARE(total.first().at(0).toInt(), 1);

        m_model->markRead(QStringLiteral("b"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(total.size(), 1);
    }

    void indexOfAndNameAt()
    {
        m_model->setChannels(channels(split("b a")));
        QCOMPARE(m_model->indexOf(QStringLiteral("a")), 0);
        QCOMPARE(m_model->indexOf(QStringLiteral("b")), 1);
        QCOMPARE(m_model->indexOf(QStringLiteral("c")), -1);
        QCOMPARE(m_model->nameAt(1), QStringLiteral("b"));
        QVERIFY(m_model->nameAt(2).isEmpty());
        QVERIFY(m_model->nameAt(-1).isEmpty());
    }

    void displayToolTipAndAccessibleText()
    {
        m_model->setChannels({channel(QStringLiteral("dev"), QStringLiteral("Release on Friday")),
                              channel(QStringLiteral("ops"))});
        const QString dev = QStringLiteral("dev");
        const QString ops = QStringLiteral("ops");
        QCOMPARE(roleOf(*m_model, dev, Qt::DisplayRole).toString(), QStringLiteral("#dev"));
        QCOMPARE(roleOf(*m_model, dev, Qt::ToolTipRole).toString(),
                 QStringLiteral("Release on Friday"));
        QVERIFY(!roleOf(*m_model, ops, Qt::ToolTipRole).isValid());
        QCOMPARE(roleOf(*m_model, dev, Qt::AccessibleTextRole).toString(), QStringLiteral("#dev"));
        m_model->addUnread(dev, 3, true);
        QCOMPARE(roleOf(*m_model, dev, Qt::AccessibleTextRole).toString(),
                 QStringLiteral("#dev, 3 unread, 1 mentioning you"));
        m_model->addUnread(ops, 1, false);
        QCOMPARE(roleOf(*m_model, ops, Qt::AccessibleTextRole).toString(),
                 QStringLiteral("#ops, 1 unread"));
    }

    void rolesExposeTheChannelInfo()
    {
        ChannelInfo info = channel(QStringLiteral("dev"), QStringLiteral("topic"));
        info.memberCount = 42;
        info.joined = true;
        info.createdAt = QDateTime::fromMSecsSinceEpoch(1600000000000);
        m_model->upsertChannel(info);
        const QString dev = QStringLiteral("dev");
        QCOMPARE(roleOf(*m_model, dev, ChannelListModel::NameRole).toString(), dev);
        QCOMPARE(roleOf(*m_model, dev, ChannelListModel::TopicRole).toString(),
                 QStringLiteral("topic"));
        QCOMPARE(roleOf(*m_model, dev, ChannelListModel::MemberCountRole).toLongLong(), 42);
        QCOMPARE(roleOf(*m_model, dev, ChannelListModel::JoinedRole).toBool(), true);
        // No messages yet: last active when created.
        QCOMPARE(roleOf(*m_model, dev, ChannelListModel::LastActivityRole).toDateTime(),
                 info.createdAt);
        info.lastId = StreamId{1700000000000, 0};
        m_model->upsertChannel(info);
        QCOMPARE(roleOf(*m_model, dev, ChannelListModel::LastActivityRole).toDateTime(),
                 QDateTime::fromMSecsSinceEpoch(1700000000000));
    }

    void roleNamesCoverEveryRole()
    {
        const QHash<int, QByteArray> names = m_model->roleNames();
        for (int role = ChannelListModel::NameRole; role <= ChannelListModel::InfoRole; ++role)
            QVERIFY2(!names.value(role).isEmpty(), QByteArray::number(role).constData());
        QCOMPARE(names.value(ChannelListModel::UnreadRole), QByteArray("unread"));
    }

private:
    std::unique_ptr<ChannelListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(tst_ChannelListModel)
#include "tst_ChannelListModel.moc"
