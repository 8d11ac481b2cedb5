#include "MainWindow.h"

#include <QCoreApplication>
#include <QLabel>
#include <QStatusBar>

namespace Confab {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("%1 %2").arg(QCoreApplication::applicationName(),
                                               QCoreApplication::applicationVersion()));
    auto *placeholder = new QLabel(tr("No channel open"), this);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setEnabled(false);
    setCentralWidget(placeholder);

    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setAccessibleName(tr("Connection state"));
    statusBar()->addWidget(m_connectionLabel, 1);
    resize(960, 640);
}

void MainWindow::showConnectionState(const QString &text)
{
    m_connectionLabel->setText(text);
}

} // namespace Confab
