#include "ServerOverviewDock.h"

#include "Theme.h"

#include "chat/DisplayText.h"
#include "model/ChatSession.h"

#include <QDateTime>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QStandardItemModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace Confab {

namespace {

enum Column { NameColumn, RateColumn, EntriesColumn, SizeColumn };
constexpr int SortRole = Qt::UserRole + 1;

QString count(qint64 n)
{
    return n < 0 ? QStringLiteral("\u2014") : QLocale().toString(n);
}

QString bytes(qint64 n)
{
    return n < 0 ? QStringLiteral("\u2014") : QLocale().formattedDataSize(n);
}

QStandardItem *numberItem(const QString &text, double value)
{
    auto *item = new QStandardItem(text);
    item->setData(value, SortRole);
    item->setData(int(Qt::AlignRight | Qt::AlignVCenter), Qt::TextAlignmentRole);
    return item;
}

} // namespace

ServerOverviewDock::ServerOverviewDock(ChatSession *session, QWidget *parent)
    : QDockWidget(tr("Server Overview"), parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("serverOverview"));
    setAccessibleName(windowTitle());
    setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea | Qt::BottomDockWidgetArea);

    auto *content = new QWidget(this);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignLeft);
    addFigure(form, QStringLiteral("server"), tr("Server:"));
    addFigure(form, QStringLiteral("where"), tr("Where:"));
    addFigure(form, QStringLiteral("clients"), tr("Clients:"));
    addFigure(form, QStringLiteral("memory"), tr("Memory:"));
    addFigure(form, QStringLiteral("people"), tr("People:"));
    addFigure(form, QStringLiteral("channels"), tr("Channels:"));
    addFigure(form, QStringLiteral("rate"), tr("Messages:"));
    addFigure(form, QStringLiteral("logs"), tr("Logs:"));

    m_channels = new QStandardItemModel(0, 4, this);
    m_channels->setHorizontalHeaderLabels({tr("Channel"), tr("/min"), tr("Entries"), tr("Log")});
    m_channels->setSortRole(SortRole);
    m_table = new QTreeView(content);
    m_table->setModel(m_channels);
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RateColumn, Qt::DescendingOrder);
    m_table->setAccessibleName(tr("Channels by activity"));
    m_table->header()->setStretchLastSection(false);
    m_table->header()->setMinimumSectionSize(36);
    m_table->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    for (int column : {RateColumn, EntriesColumn, SizeColumn})
        m_table->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);

    m_footer = new QLabel(tr("Reading\u2026"), content);
    m_footer->setTextFormat(Qt::PlainText);
    m_footer->setWordWrap(true);
    m_footer->setAccessibleName(tr("Overview status"));
    Theme::styleAsHint(m_footer);

    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->addLayout(form);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_footer);
    setWidget(content);

    m_timer.setInterval(RefreshMs);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ServerOverviewDock::refresh);
    connect(session, &ChatSession::serverStatsRead, this, [this](const ServerStats &stats) {
        if (!std::exchange(m_waiting, false))
            return; // someone else's (/stats)
        showStats(stats);
    });
}

QLabel *ServerOverviewDock::addFigure(QFormLayout *form, const QString &name, const QString &label)
{
    auto *value = new QLabel(QStringLiteral("\u2014"));
    value->setTextFormat(Qt::PlainText);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setAccessibleName(QString(label).remove(u':'));
    form->addRow(label, value);
    m_figures.insert(name, value);
    return value;
}

QString ServerOverviewDock::figure(const QString &name) const
{
    const QLabel *label = m_figures.value(name);
    return label ? label->text() : QString();
}

void ServerOverviewDock::refresh()
{
    if (m_waiting)
        return; // the last read is still out: a slow server is not asked twice
    m_waiting = true;
    m_session->requestServerStats();
}

void ServerOverviewDock::showEvent(QShowEvent *event)
{
    QDockWidget::showEvent(event);
    refresh();
    m_timer.start();
}

void ServerOverviewDock::hideEvent(QHideEvent *event)
{
    QDockWidget::hideEvent(event);
    m_timer.stop();
}

void ServerOverviewDock::showStats(const ServerStats &stats)
{
    m_stats = stats;
    const QLocale locale;
    m_figures.value(QStringLiteral("server"))
        ->setText((stats.version.isEmpty() ? tr("Redis") : tr("Redis %1").arg(stats.version))
                  + QStringLiteral(" \u00b7 ") + stats.topology);
    m_figures.value(QStringLiteral("where"))->setText(stats.where);
    m_figures.value(QStringLiteral("clients"))->setText(count(stats.connectedClients));
    m_figures.value(QStringLiteral("memory"))->setText(bytes(stats.usedMemory));
    QString people = tr("%1 online, %2 away, of %3")
                         .arg(count(stats.online), count(stats.away), count(stats.accounts));
    if (stats.accounts > stats.sampledAccounts && stats.sampledAccounts > 0)
        people += u' ' + tr("(first %1 looked at)").arg(count(stats.sampledAccounts));
    m_figures.value(QStringLiteral("people"))->setText(people);
    QString channels = count(stats.channels);
    if (stats.channelsSampled)
        channels += u' ' + tr("(the first %1 are listed)").arg(stats.channelStats.size());
    m_figures.value(QStringLiteral("channels"))->setText(channels);
    m_figures.value(QStringLiteral("rate"))
        ->setText(tr("%1 per minute").arg(locale.toString(stats.messagesPerMinute(), 'f', 1)));
    m_figures.value(QStringLiteral("logs"))->setText(bytes(stats.logBytes()));

    m_channels->removeRows(0, m_channels->rowCount());
    for (const ChannelStats &channel : stats.channelStats) {
        auto *name = new QStandardItem(u'#' + DisplayText::marked(channel.name));
        name->setData(channel.name.toLower(), SortRole);
        QString rate = channel.perMinute < 0 ? QStringLiteral("\u2014")
                                             : locale.toString(channel.perMinute, 'f', 1);
        if (channel.rateEstimated)
            rate.prepend(u'\u2248');
        auto *rateItem = numberItem(rate, channel.perMinute);
        if (channel.rateEstimated)
            rateItem->setToolTip(tr("Estimated from the newest entries: more than one a second"));
        m_channels->appendRow({name, rateItem,
                               numberItem(count(channel.entries), double(channel.entries)),
                               numberItem(bytes(channel.logBytes), double(channel.logBytes))});
    }
    m_table->sortByColumn(m_table->header()->sortIndicatorSection(),
                          m_table->header()->sortIndicatorOrder());

    QString footer =
        tr("As of %1; refreshed every %2 s while shown.")
            .arg(locale.toString(stats.takenAtMs > 0
                                     ? QDateTime::fromMSecsSinceEpoch(stats.takenAtMs).time()
                                     : QTime::currentTime(),
                                 QStringLiteral("HH:mm:ss")),
                 QString::number(RefreshMs / 1000));
    if (!stats.problems.isEmpty())
        footer += u'\n'
            + tr("Not shown (the server refused): %1")
                  .arg(DisplayText::marked(stats.problems.join(QStringLiteral("; "))));
    m_footer->setText(footer);
}

} // namespace Confab
