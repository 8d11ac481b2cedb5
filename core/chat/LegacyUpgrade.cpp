#include "LegacyUpgrade.h"

#include "ChatScripts.h"
#include "NameRule.h"

#include "redis/RedisClient.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcUpgrade, "confab.upgrade")

namespace Confab {

namespace {

constexpr int PageSize = 1000;
constexpr QByteArrayView NoteCidPrefix = "confab-upgrade-";

StreamId newestId(const RedisReply &reply)
{
    if (reply.size() > 0 && reply.at(0).size() > 0)
        return StreamId::parse(reply.at(0).at(0).bytes()).value_or(StreamId());
    return {};
}

} // namespace

LegacyUpgrade::LegacyUpgrade(RedisClient *commands, ChatKeys keys, QString account, int retention,
                             QByteArray displayName)
    : m_commands(commands)
    , m_keys(std::move(keys))
    , m_legacyKeys(m_keys.channelPrefix(), m_keys.messagePrefix())
    , m_account(std::move(account))
    , m_retention(retention)
    , m_displayName(std::move(displayName))
{ }

QString LegacyUpgrade::upgradeNote(const QString &account)
{
    return QStringLiteral("[Confab] %1 has upgraded to Confab protocol 2. This conversation goes "
                          "on there: upgrade Confab to read %1's replies.")
        .arg(account);
}

void LegacyUpgrade::run(std::function<void(const QString &)> done)
{
    m_done = std::move(done);
    auto marks = std::make_shared<QHash<QString, StreamId>>();
    ++m_pending;
    m_commands->command({"HGETALL", ChatKeys::Legacy::userReadMarks(m_account)},
                        [marks](const RedisReply &reply) {
                            for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
                                if (auto id = StreamId::parse(reply.at(i + 1).bytes()))
                                    marks->insert(QString::fromUtf8(reply.at(i).bytes()), *id);
                            }
                        });
    m_commands->command({"SMEMBERS", ChatKeys::Legacy::userChannels(m_account)},
                        [this, alive = std::weak_ptr(m_alive), marks](const RedisReply &reply) {
                            if (alive.expired())
                                return;
                            if (reply.isError())
                                m_error = reply.toString();
                            QStringList channels;
                            for (const RedisReply &name : reply.elements())
                                channels << QString::fromUtf8(name.bytes());
                            upgradeChannels(channels, *marks);
                            finish();
                        });
}

void LegacyUpgrade::upgradeChannels(const QStringList &channels,
                                    const QHash<QString, StreamId> &marks)
{
    for (const QString &channel : channels) {
        if (ChatKeys::Legacy::isDirectChannel(channel)) {
            const QString peer = ChatKeys::Legacy::directPeer(channel, m_account);
            if (NameRule::isValid(peer))
                upgradeDirect(channel, peer, marks.value(channel));
            else
                qCWarning(lcUpgrade) << "not a conversation of" << m_account << channel;
            continue;
        }
        if (!NameRule::isValid(channel))
            continue;
        m_commands->command({"SADD", m_keys.userChannels(m_account), channel.toUtf8()});
        const StreamId mark = marks.value(channel);
        if (mark.isNull())
            continue;
        ++m_pending;
        // Version 1 stored whatever id a notice named; a mark ahead of the log is brought back
        // to the newest entry, so that marks only hold ids of entries that exist.
        m_commands->command(
            {"XREVRANGE", m_keys.log(channel), "+", "-", "COUNT", "1"},
            [this, alive = std::weak_ptr(m_alive), channel, mark](const RedisReply &reply) {
                if (alive.expired())
                    return;
                const StreamId newest = newestId(reply);
                const StreamId kept = std::min(mark, newest);
                if (!kept.isNull())
                    ChatScripts::markRead().run(*m_commands, {m_keys.userReadMarks(m_account)},
                                                {channel.toUtf8(), kept.toByteArray()}, {});
                finish();
            });
    }
}

void LegacyUpgrade::upgradeDirect(const QString &legacy, const QString &peer, const StreamId &mark)
{
    const QString conversation = ChatKeys::directChannel(m_account, peer);
    ++m_pending;
    importFrom(legacy, conversation, {}, [this, legacy, peer, conversation, mark] {
        m_commands->command({"SADD", m_keys.userChannels(m_account), conversation.toUtf8()});
        m_commands->command({"SADD", m_keys.userDirect(peer), conversation.toUtf8()});
        if (!mark.isNull()) {
            ++m_pending;
            m_commands->command({"XREVRANGE", m_keys.log(conversation), "+", "-", "COUNT", "1"},
                                [this, alive = std::weak_ptr(m_alive), conversation,
                                 mark](const RedisReply &reply) {
                                    if (alive.expired())
                                        return;
                                    const StreamId kept = std::min(mark, newestId(reply));
                                    if (!kept.isNull())
                                        ChatScripts::markRead().run(
                                            *m_commands, {m_keys.userReadMarks(m_account)},
                                            {conversation.toUtf8(), kept.toByteArray()}, {});
                                    finish();
                                });
        }
        // Tell a peer still on version 1, in the conversation they look at, once.
        const QByteArray cid = NoteCidPrefix.toByteArray() + m_account.toUtf8();
        const QByteArray logKey = m_legacyKeys.log(legacy);
        const QByteArray pubsub = m_legacyKeys.pubsub(legacy);
        const QByteArray note = upgradeNote(m_account).toUtf8();
        ++m_pending;
        m_commands->command(
            {"SET", m_legacyKeys.sent(legacy, cid), "1", "NX"},
            [this, alive = std::weak_ptr(m_alive), logKey, pubsub, note,
             cid](const RedisReply &reply) {
                if (alive.expired())
                    return;
                if (reply.isString() || reply.isStatus()) {
                    m_commands->transaction(
                        {{"XADD", logKey, "MAXLEN", "~", QByteArray::number(m_retention), "*", "v",
                          "1", "type", "msg", "from", m_account.toUtf8(), "text", note, "cid", cid},
                         {"PUBLISH", pubsub, "new"}},
                        {});
                }
                finish();
            });
        finish();
    });
}

void LegacyUpgrade::importLegacyConversations(const QStringList &conversations)
{
    for (const QString &conversation : conversations) {
        if (!ChatKeys::isDirectChannel(conversation))
            continue;
        m_commands->command(
            {"HMGET", m_keys.info(conversation), "legacy", "legacy_last"},
            [this, alive = std::weak_ptr(m_alive), conversation](const RedisReply &reply) {
                if (alive.expired() || reply.size() != 2 || !reply.at(0).isString())
                    return;
                const QString legacy = QString::fromUtf8(reply.at(0).bytes());
                const StreamId after = StreamId::parse(reply.at(1).bytes()).value_or(StreamId());
                importFrom(legacy, conversation, after, [] {});
            });
    }
}

void LegacyUpgrade::importFrom(const QString &legacy, const QString &conversation,
                               const StreamId &after, std::function<void()> done)
{
    const QByteArray start = after.isNull() ? QByteArray("-") : "(" + after.toByteArray();
    m_commands->command(
        {"XRANGE", m_legacyKeys.log(legacy), start, "+", "COUNT", QByteArray::number(PageSize)},
        [this, alive = std::weak_ptr(m_alive), legacy, conversation,
         done = std::move(done)](const RedisReply &reply) mutable {
            if (alive.expired())
                return;
            if (reply.isError()) {
                m_error = reply.toString();
                done();
                return;
            }
            QList<QByteArray> args{m_keys.pubsub(conversation), QByteArray::number(m_retention),
                                   conversation.toUtf8(), legacy.toUtf8()};
            StreamId last;
            for (const RedisReply &entry : reply.elements()) {
                const auto id = StreamId::parse(entry.at(0).bytes());
                if (!id)
                    continue;
                last = *id;
                QByteArray type, from, text, cid;
                const RedisReply &fields = entry.at(1);
                for (qsizetype i = 0; i + 1 < fields.size(); i += 2) {
                    const QByteArray &name = fields.at(i).bytes();
                    if (name == "type")
                        type = fields.at(i + 1).bytes();
                    else if (name == "from")
                        from = fields.at(i + 1).bytes();
                    else if (name == "text")
                        text = fields.at(i + 1).bytes();
                    else if (name == "cid")
                        cid = fields.at(i + 1).bytes();
                }
                if (cid.startsWith(NoteCidPrefix.toByteArray()))
                    continue; // our own "I have upgraded" note
                args << id->toByteArray() << type << from << text << cid;
            }
            ChatScripts::importEntries().run(
                *m_commands,
                {m_keys.log(conversation), m_keys.info(conversation), m_keys.members(conversation)},
                args, [this, alive](const RedisReply &result) {
                    if (!alive.expired() && result.isError())
                        m_error = result.toString();
                });
            if (reply.size() >= PageSize && !last.isNull()) {
                importFrom(legacy, conversation, last, std::move(done));
                return;
            }
            done();
        });
}

void LegacyUpgrade::finish()
{
    if (--m_pending > 0)
        return;
    if (m_error.isEmpty())
        m_commands->command({"HSET", m_keys.user(m_account), "upgraded", "1"});
    else
        qCWarning(lcUpgrade) << "upgrade of" << m_account << "failed:" << m_error;
    if (m_done)
        std::exchange(m_done, {})(m_error);
}

} // namespace Confab
