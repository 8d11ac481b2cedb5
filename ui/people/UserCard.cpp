#include "UserCard.h"

#include "PresenceDot.h"
#include "Theme.h"

#include "chat/DisplayText.h"
#include "model/ChatSession.h"

#include <QDateTime>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QScreen>

namespace Confab {

namespace {
constexpr int DotSize = 10;
}

UserCard::UserCard(ChatSession *session, const QString &account, QWidget *parent)
    : QFrame(parent, Qt::Popup)
    , m_session(session)
    , m_account(account)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setFrameShape(QFrame::StyledPanel);
    setAccessibleName(tr("About %1").arg(account));

    m_name = new QLabel(this);
    m_name->setTextFormat(Qt::PlainText);
    m_name->setAccessibleName(tr("Display name"));
    QFont big = m_name->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_name->setFont(big);
    m_accountLabel = new QLabel(this);
    m_accountLabel->setTextFormat(Qt::PlainText);
    m_accountLabel->setAccessibleName(tr("Account"));
    m_accountLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    Theme::styleAsHint(m_accountLabel);
    m_dot = new QLabel(this);
    m_dot->setFixedSize(DotSize + 4, DotSize + 4);
    m_presence = new QLabel(this);
    m_presence->setTextFormat(Qt::PlainText);
    m_presence->setWordWrap(true);
    m_presence->setAccessibleName(tr("Presence"));
    m_message = new QPushButton(tr("&Message"), this);
    m_message->setAccessibleName(tr("Message"));
    m_message->setDefault(true);
    connect(m_message, &QPushButton::clicked, this, [this] {
        Q_EMIT messageRequested(m_account);
        close();
    });

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(14, 12, 14, 12);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(4);
    grid->addWidget(m_name, 0, 0, 1, 2);
    grid->addWidget(m_accountLabel, 1, 0, 1, 2);
    grid->addWidget(m_dot, 2, 0, Qt::AlignTop);
    grid->addWidget(m_presence, 2, 1);
    grid->addWidget(m_message, 3, 0, 1, 2, Qt::AlignLeft);
    grid->setColumnStretch(1, 1);
    grid->setRowMinimumHeight(3, m_message->sizeHint().height() + 8);
    setMinimumWidth(260);
    setMaximumWidth(360);

    connect(session, &ChatSession::presenceChanged, this, [this](const QString &who) {
        if (who == m_account)
            refresh();
    });
    refresh();
}

void UserCard::popUp(const QPoint &anchor)
{
    adjustSize();
    QPoint at = anchor;
    if (const QScreen *screen = QGuiApplication::screenAt(anchor)) {
        const QRect room = screen->availableGeometry();
        at.setX(std::clamp(at.x(), room.left(), std::max(room.left(), room.right() - width())));
        at.setY(std::clamp(at.y(), room.top(), std::max(room.top(), room.bottom() - height())));
    }
    move(at);
    show();
    m_message->setFocus();
}

QString UserCard::nameText() const
{
    return m_name->text();
}

QString UserCard::presenceText() const
{
    return m_presence->text();
}

void UserCard::refresh()
{
    const bool me = m_account == m_session->userName();
    const QString shown = m_session->displayNameOf(m_account);
    m_name->setText(DisplayText::isolated(shown));
    m_accountLabel->setText(me ? tr("@%1 (you)").arg(m_account) : u'@' + m_account);

    const Presence presence = m_session->presenceOf(m_account);
    QString text = Presence::stateText(presence.state);
    if (presence.isOnline() && presence.sinceMs > 0) {
        const QDateTime since = QDateTime::fromMSecsSinceEpoch(presence.sinceMs);
        const bool today = since.date() == QDate::currentDate();
        // Minutes are enough; some locales' short format has seconds.
        const QLocale locale;
        const QString time = locale.timeFormat(QLocale::ShortFormat).remove(QLatin1String(":ss"));
        text += u' '
            + tr("since %1")
                  .arg(today ? locale.toString(since.time(), time)
                             : locale.toString(since.date(), QLocale::ShortFormat) + u' '
                               + locale.toString(since.time(), time));
    }
    if (!presence.status.isEmpty())
        text += QStringLiteral(" \u2014 ") + DisplayText::isolated(presence.status);
    m_presence->setText(text);

    const qreal ratio = devicePixelRatioF();
    QPixmap dot(QSize(DotSize + 4, DotSize + 4) * ratio);
    dot.setDevicePixelRatio(ratio);
    dot.fill(Qt::transparent);
    {
        QPainter painter(&dot);
        painter.setRenderHint(QPainter::Antialiasing);
        PresenceDot::paint(&painter, QRectF(2, 2, DotSize, DotSize), presence.state, palette());
    }
    m_dot->setPixmap(dot);
    m_dot->setAccessibleName(Presence::stateText(presence.state));
    m_message->setVisible(!me);
}

} // namespace Confab
