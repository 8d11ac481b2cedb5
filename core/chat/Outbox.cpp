#include "Outbox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <optional>

namespace Confab {

namespace {

// One message from its JSON object, or nothing if it lacks what sending needs.
std::optional<OutgoingMessage> messageFrom(const QJsonObject &o)
{
    OutgoingMessage m;
    m.cid = o.value(QLatin1String("cid")).toString().toLatin1();
    m.channel = o.value(QLatin1String("channel")).toString();
    m.type = ChatMessage::typeFromName(o.value(QLatin1String("type")).toString().toLatin1());
    m.text = o.value(QLatin1String("text")).toString();
    m.joined = o.value(QLatin1String("joined")).toBool();
    m.created =
        QDateTime::fromString(o.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
    if (m.cid.isEmpty() || m.channel.isEmpty() || m.type == ChatMessage::Type::Unknown)
        return std::nullopt;
    return m;
}

// The objects at the top level of a damaged array: each '{' ... '}' that parses on its own,
// found by following strings and nesting, so one cut or corrupt record costs only itself.
QList<QJsonObject> intactObjects(const QByteArray &text)
{
    QList<QJsonObject> objects;
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    qsizetype start = -1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{') {
            if (depth++ == 0)
                start = i;
        } else if (c == '}' && depth > 0) {
            if (--depth == 0 && start >= 0) {
                const QJsonDocument doc = QJsonDocument::fromJson(text.mid(start, i - start + 1));
                if (doc.isObject())
                    objects << doc.object();
                start = -1;
            }
        } else if ((c == '[' || c == ']') && depth == 0) {
            start = -1;
        }
    }
    return objects;
}

} // namespace

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
    const QByteArray bytes = file.readAll();
    file.close();
    Contents contents = parse(bytes);
    m_messages = std::move(contents.messages);
    if (contents.intact) {
        m_savedCount = m_messages.size();
        m_dirty = false;
        return true;
    }

    // Damaged (a crash of another program, a full disk, a hand edit): every intact message is
    // kept and sent, and the file itself is set aside untouched, never overwritten.
    const QString aside = damagedCopyPath();
    const bool keptAside = QFile::rename(m_path, aside);
    // Written again at the next save: what was recovered, and what is added from now on.
    m_savedCount = 0;
    m_dirty = true;
    if (error) {
        *error = QStringLiteral("The outbox %1 was damaged (%2). %3 unsent message(s) were "
                                "recovered and will be sent; %4")
                     .arg(m_path, contents.problem)
                     .arg(m_messages.size())
                     .arg(keptAside ? QStringLiteral("the damaged file is kept as %1.").arg(aside)
                                    : QStringLiteral("the damaged file could not be moved "
                                                     "aside and is left as it is."));
    }
    if (!keptAside)
        m_path.clear(); // never overwrite it: this run keeps the outbox in memory
    return false;
}

bool Outbox::save(QString *error)
{
    if (m_path.isEmpty() || !m_dirty)
        return true;
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error =
                QStringLiteral("cannot write the outbox %1: %2").arg(m_path, file.errorString());
        return false;
    }
    file.write(serialize(m_messages));
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

Outbox::Contents Outbox::parse(const QByteArray &bytes)
{
    Contents contents;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error == QJsonParseError::NoError && doc.isArray()) {
        for (const QJsonValue &value : doc.array()) {
            if (auto message = messageFrom(value.toObject()))
                contents.messages << *message;
        }
        return contents;
    }
    contents.intact = false;
    contents.problem = parseError.error == QJsonParseError::NoError
        ? QStringLiteral("not a list of messages")
        : parseError.errorString();
    for (const QJsonObject &object : intactObjects(bytes)) {
        if (auto message = messageFrom(object))
            contents.messages << *message;
    }
    return contents;
}

QByteArray Outbox::serialize(const QList<OutgoingMessage> &messages)
{
    QJsonArray array;
    for (const OutgoingMessage &m : messages) {
        array.append(QJsonObject{
            {QStringLiteral("cid"), QString::fromLatin1(m.cid)},
            {QStringLiteral("channel"), m.channel},
            {QStringLiteral("type"), QString::fromLatin1(ChatMessage::typeName(m.type))},
            {QStringLiteral("text"), m.text},
            {QStringLiteral("created"), m.created.toString(Qt::ISODateWithMs)},
            {QStringLiteral("joined"), m.joined},
        });
    }
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

QString Outbox::damagedCopyPath() const
{
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString candidate = m_path + QStringLiteral(".damaged-") + stamp;
    for (int n = 2; QFile::exists(candidate); ++n)
        candidate = m_path + QStringLiteral(".damaged-%1-%2").arg(stamp).arg(n);
    return candidate;
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
