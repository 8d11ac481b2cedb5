#include "model/ChannelListModel.h"
#include "model/FuzzyFilterModel.h"

#include <QAbstractItemModelTester>
#include <QStringListModel>
#include <QTest>

using namespace Confab;

namespace {

QStringList split(const char *names)
{
    return QString::fromLatin1(names).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

QStringList rows(const QAbstractItemModel &model, int role = Qt::DisplayRole)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names.append(model.index(row, 0).data(role).toString());
    return names;
}

} // namespace

class tst_FuzzyFilterModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_source = std::make_unique<QStringListModel>();
        m_proxy = std::make_unique<FuzzyFilterModel>();
        m_proxy->setSourceModel(m_source.get());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_proxy.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_proxy.reset();
        m_source.reset();
    }

    void keepsRowsWithTheFilterCharactersInOrder()
    {
        m_source->setStringList(split("vd dev general devops"));
        m_proxy->setFilterText(QStringLiteral("dv"));
        QCOMPARE(rows(*m_proxy), split("dev devops"));
    }

    void ranksAPrefixAboveAMatchInsideAWord()
    {
        m_source->setStringList(split("big-engine general"));
        m_proxy->setFilterText(QStringLiteral("gen"));
        QCOMPARE(rows(*m_proxy), split("general big-engine"));
    }

    void ranksAPrefixAboveWordStarts()
    {
        // Every letter of "dev" starts a word in dx-ex-vx, yet the prefix wins.
        m_source->setStringList(split("dx-ex-vx devops"));
        m_proxy->setFilterText(QStringLiteral("dev"));
        QCOMPARE(rows(*m_proxy), split("devops dx-ex-vx"));
    }

    void ranksPrefixThenWordStartsThenRunsThenScattered()
    {
        // "dc": scattered in adxxc, a run inside abdc, word starts of dev-chat, prefix of dcx.
        m_source->setStringList(split("adxxc abdc dev-chat dcx"));
        m_proxy->setFilterText(QStringLiteral("dc"));
        QCOMPARE(rows(*m_proxy), split("dcx dev-chat abdc adxxc"));
    }

    void countsCamelCaseHumpsAsWordStarts()
    {
        m_source->setStringList(split("xaxbx fooAppBar"));
        m_proxy->setFilterText(QStringLiteral("ab"));
        QCOMPARE(rows(*m_proxy), split("fooAppBar xaxbx"));
    }

    void putsShorterNamesFirstOnEqualScores()
    {
        m_source->setStringList(split("devops dev"));
        m_proxy->setFilterText(QStringLiteral("dv"));
        QCOMPARE(rows(*m_proxy), split("dev devops"));
    }

    void ignoresCase()
    {
        m_source->setStringList(split("General RANDOM"));
        m_proxy->setFilterText(QStringLiteral("gEN"));
        QCOMPARE(rows(*m_proxy), split("General"));
        m_proxy->setFilterText(QStringLiteral("rnd"));
        QCOMPARE(rows(*m_proxy), split("RANDOM"));
    }

    void ignoresALeadingSigilOnEitherSide()
    {
        m_source->setStringList(split("#big-engine #general @genevieve"));
        m_proxy->setFilterText(QStringLiteral("#gen"));
        // Both prefixes ("general", "genevieve") outrank the match inside "big-engine".
        QCOMPARE(rows(*m_proxy), split("#general @genevieve #big-engine"));
        m_proxy->setFilterText(QStringLiteral("@gen"));
        QCOMPARE(rows(*m_proxy).size(), 3);
    }

    void emptyFilterKeepsEveryRowInSourceOrder()
    {
        const QStringList names = split("zeta alpha mid");
        m_source->setStringList(names);
        QCOMPARE(rows(*m_proxy), names);
        m_proxy->setFilterText(QStringLiteral("a"));
        QCOMPARE(rows(*m_proxy), split("alpha zeta"));
        m_proxy->setFilterText(QString());
        QCOMPARE(rows(*m_proxy), names);
        // A sigil or blanks alone filter nothing either.
        m_proxy->setFilterText(QStringLiteral(" # "));
        QCOMPARE(rows(*m_proxy), names);
    }

    void followsInsertionsRemovalsAndRenamesInTheSource()
    {
        m_source->setStringList(split("random general"));
        m_proxy->setFilterText(QStringLiteral("gen"));
        QCOMPARE(rows(*m_proxy), split("general"));

        m_source->insertRows(0, 1);
        m_source->setData(m_source->index(0), QStringLiteral("big-engine"));
        QCOMPARE(rows(*m_proxy), split("general big-engine"));

        m_source->insertRows(3, 1);
        m_source->setData(m_source->index(3), QStringLiteral("gen"));
        QCOMPARE(rows(*m_proxy), split("gen general big-engine"));

        // Renaming can move a row in the ranking or out of the list.
        m_source->setData(m_source->index(1), QStringLiteral("genz"));
        QCOMPARE(rows(*m_proxy), split("gen genz general big-engine"));
        m_source->setData(m_source->index(2), QStringLiteral("off-topic"));
        QCOMPARE(rows(*m_proxy), split("gen genz big-engine"));

        m_source->removeRows(0, 1);
        QCOMPARE(rows(*m_proxy), split("gen genz"));
    }

    void readsTheConfiguredRole()
    {
        ChannelListModel channels;
        ChannelInfoList list;
        for (const QString &name : split("devops dev random")) {
            ChannelInfo info;
            info.name = name;
            list.append(info);
        }
        channels.setChannels(list);

        FuzzyFilterModel proxy;
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setNameRole(ChannelListModel::NameRole);
        proxy.setSourceModel(&channels);
        proxy.setFilterText(QStringLiteral("dv"));
        QCOMPARE(rows(proxy, ChannelListModel::NameRole), split("dev devops"));
        // The names have no '#'; a typed one is ignored.
        proxy.setFilterText(QStringLiteral("#r"));
        QCOMPARE(rows(proxy, ChannelListModel::NameRole), split("random"));

        // New channels are ranked in as they arrive.
        ChannelInfo added;
        added.name = QStringLiteral("dv");
        channels.upsertChannel(added);
        proxy.setFilterText(QStringLiteral("dv"));
        QCOMPARE(rows(proxy, ChannelListModel::NameRole), split("dv dev devops"));
    }

    void scoreIsMinusOneOnlyWithoutAMatch()
    {
        QCOMPARE(FuzzyFilterModel::score(QStringLiteral("dv"), QStringLiteral("vd")), -1);
        QCOMPARE(FuzzyFilterModel::score(QStringLiteral("long"), QStringLiteral("lo")), -1);
        QCOMPARE(FuzzyFilterModel::score(QString(), QStringLiteral("any")), 0);
        QVERIFY(FuzzyFilterModel::score(QStringLiteral("é"), QStringLiteral("Élan")) > 0);
    }

private:
    std::unique_ptr<QStringListModel> m_source;
    std::unique_ptr<FuzzyFilterModel> m_proxy;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(tst_FuzzyFilterModel)

#include "tst_FuzzyFilterModel.moc"
