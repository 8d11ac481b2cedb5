#include "DraftKeeper.h"

#include "AppSettings.h"

namespace Confab {

DraftKeeper::DraftKeeper(MessageInput *input, AppSettings *settings, QObject *parent)
    : QObject(parent)
    , m_input(input)
    , m_settings(settings)
{
    const QVariantMap saved = m_settings->drafts();
    for (auto it = saved.cbegin(); it != saved.cend(); ++it) {
        const QVariantList pair = it.value().toList();
        if (pair.size() == 2 && !pair.at(0).toString().isEmpty())
            m_drafts.insert(it.key(), {pair.at(0).toString(), pair.at(1).toInt()});
    }
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(1000);
    connect(&m_saveTimer, &QTimer::timeout, this, &DraftKeeper::save);
    connect(m_input, &QPlainTextEdit::textChanged, &m_saveTimer, qOverload<>(&QTimer::start));
}

MessageInput::Draft DraftKeeper::draftOf(const QString &channel) const
{
    if (channel == m_channel)
        return m_input->draft();
    return m_drafts.value(channel);
}

void DraftKeeper::keepCurrent()
{
    const MessageInput::Draft draft = m_input->draft();
    if (draft.text.isEmpty())
        m_drafts.remove(m_channel);
    else
        m_drafts.insert(m_channel, draft);
}

void DraftKeeper::switchTo(const QString &channel)
{
    if (channel == m_channel)
        return;
    const MessageInput::Draft typed = m_input->draft();
    keepCurrent();
    // What was typed before any conversation was open (at start, while connecting) is meant
    // for the first one that opens, unless that one has a draft of its own.
    const bool carry = m_channel.isEmpty() && !typed.text.isEmpty() && !m_drafts.contains(channel);
    if (carry)
        m_drafts.remove(m_channel);
    m_channel = channel;
    m_input->setDraft(carry ? typed : m_drafts.value(channel));
    m_saveTimer.start();
}

void DraftKeeper::save()
{
    m_saveTimer.stop();
    keepCurrent();
    QVariantMap saved;
    for (auto it = m_drafts.cbegin(); it != m_drafts.cend(); ++it) {
        if (!it.key().isEmpty() && it.value().text.size() <= MaxSavedChars)
            saved.insert(it.key(), QVariantList{it.value().text, it.value().cursor});
    }
    m_settings->setDrafts(saved);
}

} // namespace Confab
