#include "Outbox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace Confab {

Outbox::Outbox(QString path)
    : m_path(std::move(path))
{ }

bool Outbox::load(QString *error)
{
    m_messages.clear();
    if (m_path.isEmpty() || !QFile::exists(m_path))
        return true;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error =
                QStringLiteral("cannot read the outbox %1: %2").arg(m_path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isArray()) {
        if (error)
            *error = QStringLiteral("the outbox %1 is damaged: %2")
                         .arg(m_path, parseError.errorString());
        return false;
    }
    for (const QJsonValue &value : doc.array()) {
        const QJsonObject o = value.toObject();
        OutgoingMessage m;
        m.cid = o.value(QLatin1String("cid")).toString().toLatin1();
        m.channel = o.value(QLatin1String("channel")).toString();
        m.type = ChatMessage::typeFromName(o.value(QLatin1String("type")).toString().toLatin1());
        m.text = o.value(QLatin1String("text")).toString();
        m.joined = o.value(QLatin1String("joined")).toBool();
        m.created =
            QDateTime::fromString(o.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
        if (m.cid.isEmpty() || m.channel.isEmpty() || m.type == ChatMessage::Type::Unknown)
            continue;
        m_messages << m;
    }
    m_savedCount = m_messages.size();
    m_dirty = false;
    return true;
}

bool Outbox::save(QString *error)
{
    if (m_path.isEmpty() || !m_dirty)
        return true;
    QJsonArray array;
    for (const OutgoingMessage &m : std::as_const(m_messages)) {
        array.append(QJsonObject{
            {QStringLiteral("cid"), QString::fromLatin1(m.cid)},
            {QStringLiteral("channel"), m.channel},
            {QStringLiteral("type"), QString::fromLatin1(ChatMessage::typeName(m.type))},
            {QStringLiteral("text"), m.text},
            {QStringLiteral("created"), m.created.toString(Qt::ISODateWithMs)},
            {QStringLiteral("joined"), m.joined},
        });
    }
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error =
                QStringLiteral("cannot write the outbox %1: %2").arg(m_path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(array).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        if (error)
            *error =
                QStringLiteral("cannot write the outbox %1: %2").arg(m_path, file.errorString());
        return false;
    }
    m_savedCount = m_messages.size();
    m_dirty = false;
    return true;
}

void Outbox::add(const OutgoingMessage &message)
{
    m_messages << message;
    m_dirty = true;
}

bool Outbox::remove(const QByteArray &cid)
{
    for (qsizetype i = 0; i < m_messages.size(); ++i) {
        if (m_messages.at(i).cid == cid) {
            m_messages.removeAt(i);
            m_dirty = true;
            return true;
        }
    }
    return false;
}

} // namespace Confab
