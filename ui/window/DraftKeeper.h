#pragma once

#include "MessageInput.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace Confab {

class AppSettings;

// One draft per conversation, as Slack, Element and Telegram keep them: switching channels
// puts away what was typed (text and cursor) and brings back what was typed there, so Enter
// never posts a line into the wrong conversation. Drafts are saved to the settings a moment
// after typing stops and at quit, so they survive a restart.
class DraftKeeper : public QObject
{
    Q_OBJECT
public:
    DraftKeeper(MessageInput *input, AppSettings *settings, QObject *parent = nullptr);

    // The input now belongs to `channel` (empty: no conversation open).
    void switchTo(const QString &channel);
    QString channel() const { return m_channel; }
    MessageInput::Draft draftOf(const QString &channel) const;
    void save();

    // A draft longer than this is not written to the settings (it stays for this session).
    static constexpr int MaxSavedChars = 64 * 1024;

private:
    void keepCurrent();

    MessageInput *m_input;
    AppSettings *m_settings;
    QString m_channel;
    QHash<QString, MessageInput::Draft> m_drafts;
    QTimer m_saveTimer;
};

} // namespace Confab
