#pragma once

#include "StreamId.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace Confab {

// What the channel list shows about one channel.
struct ChannelInfo
{
    QString name;
    QString topic;
    QString createdBy;
    QDateTime createdAt;
    qint64 memberCount = 0;
    // Id of the newest entry in the log (null when the log is empty): the last activity.
    StreamId lastId;
    bool joined = false;

    QDateTime lastActivity() const { return lastId.isNull() ? createdAt : lastId.time(); }

    friend bool operator==(const ChannelInfo &, const ChannelInfo &) = default;
};

using ChannelInfoList = QList<ChannelInfo>;

} // namespace Confab

Q_DECLARE_METATYPE(Confab::ChannelInfo)
Q_DECLARE_METATYPE(Confab::ChannelInfoList)
