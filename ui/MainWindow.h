#pragma once

#include <QMainWindow>

class QLabel;

namespace Confab {

// The application window. For now: the frame (title, central area, status bar) that later
// parts fill with the channel list and message log.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

public Q_SLOTS:
    void showConnectionState(const QString &text);

private:
    QLabel *m_connectionLabel = nullptr;
};

} // namespace Confab
