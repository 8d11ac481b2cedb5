#include "JoinChannelDialog.h"

#include "Theme.h"

#include "chat/DisplayText.h"
#include "chat/NameRule.h"

#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace Confab {

namespace {

enum Column { NameColumn, MembersColumn, TopicColumn };
constexpr int ChannelRole = Qt::UserRole + 1; // the bare name
constexpr int SortRole = Qt::UserRole + 2;

} // namespace

JoinChannelDialog::JoinChannelDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Join or Create a Channel"));
    setAccessibleName(windowTitle());

    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("e.g. general"));
    m_name->setAccessibleName(tr("Channel name"));
    m_name->setClearButtonEnabled(true);
    m_topic = new QLineEdit(this);
    m_topic->setAccessibleName(tr("Topic"));
    m_problem = new QLabel(this);
    // It quotes the character of the name that is not allowed, which may be '<'.
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setWordWrap(true);
    m_problem->setAccessibleName(tr("Name problem"));
    QPalette warning = m_problem->palette();
    warning.setColor(QPalette::WindowText, Theme::errorTextColor(warning));
    m_problem->setPalette(warning);
    m_problem->hide();

    m_channels = new QStandardItemModel(0, 3, this);
    m_channels->setHorizontalHeaderLabels({tr("Channel"), tr("Members"), tr("Topic")});
    m_channels->setSortRole(SortRole);
    m_filter = new QSortFilterProxyModel(this);
    m_filter->setSourceModel(m_channels);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterRole(ChannelRole);
    m_filter->setSortRole(SortRole);
    m_list = new QTreeView(this);
    m_list->setModel(m_filter);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAllColumnsShowFocus(true);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setSortingEnabled(true);
    m_list->sortByColumn(MembersColumn, Qt::DescendingOrder);
    m_list->setAccessibleName(tr("Channels on this server"));
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->header()->setStretchLastSection(true);
    m_list->header()->setSectionResizeMode(NameColumn, QHeaderView::Interactive);
    m_list->header()->setSectionResizeMode(MembersColumn, QHeaderView::ResizeToContents);
    m_list->setColumnWidth(NameColumn, 150);
    m_list->setMinimumHeight(180);
    m_empty = new QLabel(tr("Looking for channels\u2026"), this);
    m_empty->setTextFormat(Qt::PlainText);
    m_empty->setAccessibleName(tr("Channel list status"));
    Theme::styleAsHint(m_empty);

    auto *completer = new QCompleter(m_channels, this);
    completer->setCompletionRole(ChannelRole);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setCompletionMode(QCompleter::InlineCompletion);
    m_name->setCompleter(completer);
    // Enter joins what the field shows, completion included (QLineEdit would only take the
    // completion, and a second Enter join).
    m_name->installEventFilter(this);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(QString(), m_problem);
    form->addRow(tr("&Topic:"), m_topic);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Channels are shared by everyone on this server. Pick one below "
                                "or type a name; joining a channel that does not exist creates "
                                "it."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_empty);
    layout->addWidget(m_buttons);
    setMinimumWidth(460);
    resize(520, 440);

    connect(m_name, &QLineEdit::textChanged, this, &JoinChannelDialog::validate);
    // Picking from the list fills in the name without narrowing the list to it, so that the
    // arrow keys can go on through the rest.
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid() && m_list->hasFocus())
                    pick(current);
            });
    connect(m_list, &QTreeView::clicked, this, &JoinChannelDialog::pick);
    connect(m_list, &QTreeView::activated, this, [this](const QModelIndex &index) {
        m_name->setText(index.siblingAtColumn(NameColumn).data(ChannelRole).toString());
        if (m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
            accept();
    });
    validate();
}

void JoinChannelDialog::setChannels(const ChannelInfoList &channels, const QSet<QString> &joined)
{
    m_listed = true;
    m_joined = joined;
    m_existing.clear();
    m_channels->removeRows(0, m_channels->rowCount());
    for (const ChannelInfo &info : channels) {
        m_existing.insert(info.name);
        auto *name = new QStandardItem(u'#' + info.name);
        name->setData(info.name, ChannelRole);
        name->setData(info.name.toLower(), SortRole);
        if (joined.contains(info.name)) {
            name->setText(tr("#%1 (joined)").arg(info.name));
            QFont font = name->font();
            font.setItalic(true);
            name->setFont(font);
        }
        auto *members = new QStandardItem(QString::number(info.memberCount));
        members->setData(info.memberCount, SortRole);
        members->setData(int(Qt::AlignRight | Qt::AlignVCenter), Qt::TextAlignmentRole);
        // Someone else's words: marked and isolated, never interpreted.
        const QString topic = DisplayText::isolated(info.topic);
        auto *topicItem = new QStandardItem(topic);
        topicItem->setData(info.topic.toLower(), SortRole);
        topicItem->setToolTip(topic);
        m_channels->appendRow({name, members, topicItem});
    }
    m_list->sortByColumn(m_list->header()->sortIndicatorSection(),
                         m_list->header()->sortIndicatorOrder());
    validate();
}

bool JoinChannelDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_name && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Return || key == Qt::Key_Enter) {
            if (m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
                accept();
            return true;
        }
        // Down goes on into the list of channels.
        if (key == Qt::Key_Down && m_filter->rowCount() > 0) {
            m_list->setFocus();
            if (!m_list->currentIndex().isValid())
                m_list->setCurrentIndex(m_filter->index(0, NameColumn));
            else
                pick(m_list->currentIndex());
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

QString JoinChannelDialog::channelName() const
{
    return NameRule::normalizedChannel(m_name->text());
}

QString JoinChannelDialog::topic() const
{
    return exists(channelName()) ? QString() : m_topic->text().trimmed();
}

int JoinChannelDialog::shownChannelCount() const
{
    return m_filter->rowCount();
}

void JoinChannelDialog::pick(const QModelIndex &index)
{
    m_picking = true;
    m_name->setText(index.siblingAtColumn(NameColumn).data(ChannelRole).toString());
    m_picking = false;
}

bool JoinChannelDialog::exists(const QString &name) const
{
    return m_existing.contains(name);
}

void JoinChannelDialog::validate()
{
    const QString name = channelName();
    const QString problem = name.isEmpty() ? QString() : NameRule::check(name, tr("channel name"));
    const bool grows =
        !problem.isEmpty() && (m_problem->isHidden() || m_problem->text() != problem);
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    // A shown dialog keeps its size; the wrapped message needs room below the field, or it is
    // cut off and runs into the topic.
    if (grows && isVisible()) {
        layout()->activate();
        resize(width(), std::max(height(), heightForWidth(width())));
    }

    // The list narrows to what the name matches (all of it while the name is empty), unless
    // the name came from the list.
    if (!m_picking)
        m_filter->setFilterFixedString(name);
    const bool existing = exists(name);
    m_topic->setEnabled(!existing);
    m_topic->setPlaceholderText(existing ? tr("#%1 exists: it keeps its topic").arg(name)
                                         : tr("Optional, used if the channel is new"));
    if (m_listed) {
        if (m_channels->rowCount() == 0)
            m_empty->setText(tr("There are no channels yet: type a name to create the first."));
        else if (m_filter->rowCount() == 0)
            m_empty->setText(tr("No channel matches; joining creates #%1.").arg(name));
        else
            m_empty->setText(m_filter->rowCount() == 1
                                 ? tr("1 channel")
                                 : tr("%1 channels").arg(m_filter->rowCount()));
    }
    // Keep the list's highlight on the channel the name names.
    for (int row = 0; row < m_filter->rowCount() && !m_picking; ++row) {
        const QModelIndex index = m_filter->index(row, NameColumn);
        if (index.data(ChannelRole).toString() == name) {
            m_list->setCurrentIndex(index);
            break;
        }
    }

    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setText(m_joined.contains(name)                       ? tr("&Open")
                    : existing || !m_listed || name.isEmpty() ? tr("&Join")
                                                              : tr("&Create and Join"));
    ok->setEnabled(!name.isEmpty() && problem.isEmpty());
}

} // namespace Confab
