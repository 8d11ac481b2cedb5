#include "PeopleDialog.h"

#include "MemberDelegate.h"
#include "PlainToolTipFilter.h"
#include "Theme.h"

#include "model/ChatSession.h"
#include "model/FuzzyFilterModel.h"
#include "model/MemberListModel.h"
#include "model/MemberOrderModel.h"
#include "model/PresenceDirectory.h"

#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

namespace Confab {

PeopleDialog::PeopleDialog(ChatSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
{
    setWindowTitle(tr("People"));
    setAccessibleName(windowTitle());

    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Find people by name or account"));
    m_search->setAccessibleName(tr("Find people"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);

    m_order = new MemberOrderModel(this);
    m_order->setSourceModel(session->people());
    m_filter = new FuzzyFilterModel(this);
    m_filter->setNameRole(Qt::DisplayRole);
    m_filter->setSourceModel(m_order);

    m_list = new QListView(this);
    m_list->setModel(m_filter);
    m_list->setItemDelegate(new MemberDelegate(m_list));
    m_list->setAccessibleName(tr("People on this server"));
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setTextElideMode(Qt::ElideMiddle);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setUniformItemSizes(true);
    m_list->setSpacing(1);
    PlainToolTipFilter::install(m_list);

    m_summary = new QLabel(tr("Looking for people\u2026"), this);
    m_summary->setAccessibleName(tr("Summary"));
    m_summary->setTextFormat(Qt::PlainText);
    Theme::styleAsHint(m_summary);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_message = buttons->addButton(tr("&Message"), QDialogButtonBox::ActionRole);
    m_message->setAccessibleName(tr("Message"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_message, &QPushButton::clicked, this, &PeopleDialog::messageCurrent);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);
    resize(420, 480);

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setFilterText(text);
        selectFirstOther();
        updateSummary();
    });
    connect(m_list, &QListView::activated, this, &PeopleDialog::messageCurrent);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &PeopleDialog::updateButtons);
    connect(session, &ChatSession::usersListed, this, [this](bool complete) {
        m_listed = true;
        m_complete = complete;
        QStringList accounts;
        for (const AccountEntry &entry : m_session->users())
            accounts << entry.account;
        // Live while the directory is open: only as long as someone looks at it.
        m_session->browsePresence(accounts);
        if (!m_list->currentIndex().isValid())
            selectFirstOther();
        updateSummary();
    });
    // Once per batch of changes (thousands when the directory starts being followed), not
    // once per person: the summary counts every row.
    connect(session->presence(), &PresenceDirectory::updated, this, &PeopleDialog::updateSummary);
    session->requestUserList();
    m_search->setFocus();
    updateButtons();
}

PeopleDialog::~PeopleDialog()
{
    m_session->browsePresence({});
}

QString PeopleDialog::summary() const
{
    return m_summary->text();
}

QString PeopleDialog::currentAccount() const
{
    return m_list->currentIndex().data(MemberListModel::NameRole).toString();
}

bool PeopleDialog::eventFilter(QObject *watched, QEvent *event)
{
    // Up, Down and Enter in the search field move in and choose from the list: the hands stay
    // on the keyboard.
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        switch (key->key()) {
        case Qt::Key_Up:
        case Qt::Key_Down:
        case Qt::Key_PageUp:
        case Qt::Key_PageDown: {
            const int rows = m_filter->rowCount();
            if (rows == 0)
                return true;
            const int step = key->key() == Qt::Key_Up ? -1
                : key->key() == Qt::Key_Down          ? 1
                : key->key() == Qt::Key_PageUp        ? -10
                                                      : 10;
            const int row = std::clamp(m_list->currentIndex().row() + step, 0, rows - 1);
            m_list->setCurrentIndex(m_filter->index(row, 0));
            return true;
        }
        case Qt::Key_Return:
        case Qt::Key_Enter:
            messageCurrent();
            return true;
        default:
            break;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void PeopleDialog::selectFirstOther()
{
    // The best match, unless that is me (I cannot message myself): then the next one.
    for (int row = 0; row < std::min(2, m_filter->rowCount()); ++row) {
        const QModelIndex index = m_filter->index(row, 0);
        if (!index.data(MemberListModel::IsMeRole).toBool() || row + 1 == m_filter->rowCount()) {
            m_list->setCurrentIndex(index);
            return;
        }
    }
}

void PeopleDialog::updateSummary()
{
    if (!m_listed)
        return;
    const MemberListModel *people = m_session->people();
    int online = 0;
    int away = 0;
    for (int row = 0; row < people->rowCount(); ++row) {
        const Presence::State state = people->presenceAt(row);
        online += state == Presence::State::Online;
        away += state == Presence::State::Away;
    }
    QString text =
        people->rowCount() == 1 ? tr("1 person") : tr("%1 people").arg(people->rowCount());
    text += QStringLiteral(" \u00b7 ") + tr("%1 online").arg(online);
    if (away > 0)
        text += QStringLiteral(" \u00b7 ") + tr("%1 away").arg(away);
    if (!m_search->text().trimmed().isEmpty())
        text += QStringLiteral(" \u00b7 ") + tr("%1 found").arg(m_filter->rowCount());
    if (!m_complete)
        text += QStringLiteral(" \u00b7 ") + tr("too many to list them all");
    m_summary->setText(text);
    updateButtons();
}

void PeopleDialog::updateButtons()
{
    const QModelIndex current = m_list->currentIndex();
    m_message->setEnabled(current.isValid() && !current.data(MemberListModel::IsMeRole).toBool());
}

void PeopleDialog::messageCurrent()
{
    const QModelIndex current = m_list->currentIndex();
    if (!current.isValid() || current.data(MemberListModel::IsMeRole).toBool())
        return;
    Q_EMIT messageRequested(current.data(MemberListModel::NameRole).toString());
    accept();
}

} // namespace Confab
