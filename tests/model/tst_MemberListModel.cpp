#include "model/MemberListModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Confab;

namespace {

QStringList split(const char *names)
{
    return QString::fromLatin1(names).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

QPair<int, int> rowRange(const QList<QVariant> &arguments)
{
    return {arguments.at(1).toInt(), arguments.at(2).toInt()};
}

} // namespace

class tst_MemberListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<MemberListModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void membersAreSortedCaseInsensitively()
    {
        m_model->setMembers(split("zoe Bob alice Carol bob"));
        QCOMPARE(m_model->members(), split("alice Bob bob Carol zoe"));
        QCOMPARE(m_model->rowCount(), 5);
        QCOMPARE(m_model->data(m_model->index(1)).toString(), QStringLiteral("Bob"));
    }

    void setMembersDropsDuplicatesAndEmptyNames()
    {
        m_model->setMembers(
            {QStringLiteral("bob"), QString(), QStringLiteral("al"), QStringLiteral("bob")});
        QCOMPARE(m_model->members(), split("al bob"));
    }

    void setMembersChangesOnlyTheRowsThatDiffer()
    {
        m_model->setMembers(split("a c e"));
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        m_model->setMembers(split("e b a"));
        QCOMPARE(m_model->members(), split("a b e"));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(rowRange(removed.first()), qMakePair(1, 1));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowRange(inserted.first()), qMakePair(1, 1));
        QCOMPARE(reset.size(), 0);
    }

    void setMembersToNobodyEmptiesTheList()
    {
        m_model->setMembers(split("a b c"));
        m_model->setMembers({});
        QCOMPARE(m_model->rowCount(), 0);
    }

    void addMemberInsertsWhereTheNameSorts()
    {
        m_model->setMembers(split("al cy"));
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        m_model->addMember(QStringLiteral("Bo"));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(rowRange(inserted.first()), qMakePair(1, 1));
        QCOMPARE(m_model->members(), split("al Bo cy"));
    }

    void addingAKnownMemberChangesNothing()
    {
        m_model->setMembers(split("al cy"));
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        m_model->addMember(QStringLiteral("al"));
        m_model->addMember(QString());
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(m_model->members(), split("al cy"));
    }

    void removeMemberRemovesItsRow()
    {
        m_model->setMembers(split("al bo cy"));
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        m_model->removeMember(QStringLiteral("bo"));
        m_model->removeMember(QStringLiteral("BO"));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(rowRange(removed.first()), qMakePair(1, 1));
        QCOMPARE(m_model->members(), split("al cy"));
    }

    void isMeRoleFollowsMyName()
    {
        m_model->setMembers(split("al bo cy"));
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->setMyName(QStringLiteral("bo"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
        QCOMPARE(m_model->data(m_model->index(1), MemberListModel::IsMeRole).toBool(), true);
        QCOMPARE(m_model->data(m_model->index(0), MemberListModel::IsMeRole).toBool(), false);

        m_model->setMyName(QStringLiteral("cy"));
        QCOMPARE(changed.size(), 3); // the old row and the new one
        QCOMPARE(m_model->data(m_model->index(1), MemberListModel::IsMeRole).toBool(), false);
        QCOMPARE(m_model->data(m_model->index(2), MemberListModel::IsMeRole).toBool(), true);
    }

    void nameRoleAndRoleNames()
    {
        m_model->setMembers(split("al"));
        QCOMPARE(m_model->data(m_model->index(0), MemberListModel::NameRole).toString(),
                 QStringLiteral("al"));
        const QHash<int, QByteArray> names = m_model->roleNames();
        QCOMPARE(names.value(MemberListModel::NameRole), QByteArray("name"));
        QCOMPARE(names.value(MemberListModel::IsMeRole), QByteArray("isMe"));
    }

private:
    std::unique_ptr<MemberListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(tst_MemberListModel)
#include "tst_MemberListModel.moc"
