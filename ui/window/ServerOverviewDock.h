#pragma once

#include "stats/ServerStats.h"

#include <QDockWidget>
#include <QTimer>

class QFormLayout;
class QLabel;
class QStandardItemModel;
class QTreeView;

namespace Confab {

class ChatSession;

// The server at a glance (the admin panel of the apps Confab grew from): version and topology,
// clients and memory, people online, channels with their messages per minute and log sizes.
// Refreshed every RefreshMs while it is shown, never while hidden, and never with a read still
// out: each refresh is one bounded ServerStatsReader pass, so an open dock cannot load the
// server.
class ServerOverviewDock : public QDockWidget
{
    Q_OBJECT
public:
    static constexpr int RefreshMs = 5000;

    explicit ServerOverviewDock(ChatSession *session, QWidget *parent = nullptr);

    // The figures shown, as the labels say them (tests, screenshots).
    QString figure(const QString &name) const;
    QTreeView *channelTable() const { return m_table; }
    const ServerStats &stats() const { return m_stats; }

    void refresh();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showStats(const ServerStats &stats);
    QLabel *addFigure(QFormLayout *form, const QString &name, const QString &label);

    ChatSession *m_session;
    QTimer m_timer;
    bool m_waiting = false;
    ServerStats m_stats;
    QHash<QString, QLabel *> m_figures;
    QStandardItemModel *m_channels = nullptr;
    QTreeView *m_table = nullptr;
    QLabel *m_footer = nullptr;
};

} // namespace Confab
