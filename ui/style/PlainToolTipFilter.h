#pragma once

#include <QObject>

class QAbstractItemView;

namespace Confab {

// Shows an item view's Qt::ToolTipRole as plain text. Models live in core/ and hold plain
// strings (a channel's topic, an account name); the view would otherwise guess that a topic
// like "<b>read me</b>" is markup.
class PlainToolTipFilter : public QObject
{
    Q_OBJECT
public:
    // Installed on the view's viewport; owned by the view.
    static void install(QAbstractItemView *view);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit PlainToolTipFilter(QAbstractItemView *view);

    QAbstractItemView *m_view;
};

} // namespace Confab
