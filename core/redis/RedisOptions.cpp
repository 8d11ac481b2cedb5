#include "RedisOptions.h"

#include <QRegularExpression>
#include <QStringList>

#include <QUrlQuery>
#include <cmath>

namespace Confab {

namespace {

bool parseBool(const QString &value, bool *ok)
{
    const QString v = value.toLower();
    *ok = true;
    if (v == QLatin1String("1") || v == QLatin1String("true") || v == QLatin1String("yes")
        || v == QLatin1String("on"))
        return true;
    if (v == QLatin1String("0") || v == QLatin1String("false") || v == QLatin1String("no")
        || v == QLatin1String("off"))
        return false;
    *ok = false;
    return false;
}

std::optional<RedisOptions> fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

// The URL as an error message may show it: no user information (whatever stands before the
// last '@', which is where a password would be even in a mistyped URL) and no password
// parameter, whether the URL parses or not. Error messages end up on stderr, in logs and in
// the status bar.
QString redacted(const QString &text)
{
    static const QRegularExpression parameter(QStringLiteral("([?&](?:sentinel_)?password=)[^&#]*"),
                                              QRegularExpression::CaseInsensitiveOption);
    QString shown = text;
    const qsizetype at = shown.lastIndexOf(u'@');
    if (at >= 0) {
        const qsizetype scheme = shown.indexOf(QLatin1String("://"));
        // Only a "://" before any '@' ends a scheme; a later one is part of what is hidden.
        const qsizetype keep = scheme >= 0 && scheme < shown.indexOf(u'@') ? scheme + 3 : 0;
        shown = shown.left(keep) + QStringLiteral("***") + shown.mid(at);
    }
    shown.replace(parameter, QStringLiteral("\\1***"));
    return shown;
}

// Longer than this is a typo (and far beyond it, undefined arithmetic).
constexpr double MaxConnectTimeoutSeconds = 3600;

} // namespace

// Splits "scheme://userinfo@h1:p1,h2:p2/rest" into the URL with its first host only, and the
// further "host[:port]" items. QUrl knows one host per URL.
QString splitSeedList(const QString &url, QStringList *more)
{
    const qsizetype scheme = url.indexOf(QLatin1String("://"));
    if (scheme < 0)
        return url;
    const qsizetype start = scheme + 3;
    qsizetype end = start;
    while (end < url.size() && url.at(end) != u'/' && url.at(end) != u'?' && url.at(end) != u'#')
        ++end;
    const qsizetype at = url.lastIndexOf(u'@', end - 1);
    const qsizetype hosts = at >= start ? at + 1 : start;
    const QStringList items = url.mid(hosts, end - hosts).split(u',');
    if (items.size() < 2)
        return url;
    *more = items.mid(1);
    return url.left(hosts) + items.first() + url.mid(end);
}

std::optional<RedisOptions> RedisOptions::fromUrl(const QString &typed, QString *error)
{
    const QString text = redacted(typed);
    QStringList moreSeeds;
    // QUrl's own error text goes on to list the URL's parts, password included: only its
    // first sentence is shown.
    const QUrl url(splitSeedList(typed.trimmed(), &moreSeeds), QUrl::StrictMode);
    if (!url.isValid())
        return fail(error,
                    QStringLiteral("invalid Redis URL \"%1\": %2")
                        .arg(text, redacted(url.errorString().section(u';', 0, 0))));

    RedisOptions options;
    const QString scheme = url.scheme().toLower();
    const bool sentinel =
        scheme == QLatin1String("redis-sentinel") || scheme == QLatin1String("rediss-sentinel");
    if (scheme == QLatin1String("redis") || scheme == QLatin1String("redis-sentinel")) {
        options.transport = Transport::Tcp;
    } else if (scheme == QLatin1String("rediss") || scheme == QLatin1String("rediss-sentinel")) {
        options.transport = Transport::Tls;
    } else if (scheme == QLatin1String("unix") || scheme == QLatin1String("redis+unix")) {
        options.transport = Transport::UnixSocket;
    } else {
        return fail(
            error,
            QStringLiteral("unsupported scheme \"%1\" in \"%2\" (use redis://, rediss://, unix:// "
                           "or redis-sentinel://)")
                .arg(url.scheme(), text));
    }

    options.username = url.userName(QUrl::FullyDecoded);
    options.password = url.password(QUrl::FullyDecoded);
    if (sentinel) {
        options.sentinelMaster = url.fragment(QUrl::FullyDecoded);
        if (options.sentinelMaster.isEmpty())
            return fail(error,
                        QStringLiteral("a Sentinel URL names its master after '#' "
                                       "(redis-sentinel://host:26379#mymaster): \"%1\"")
                            .arg(text));
    } else if (url.hasFragment()) {
        return fail(error,
                    QStringLiteral("only a redis-sentinel:// URL takes a #master name: "
                                   "\"%1\"")
                        .arg(text));
    }
    const int defaultPort = sentinel ? 26379 : 6379;
    // As in redis-py: "user@host" names an ACL user without a password; a password alone is
    // written ":secret@host". displayUrl() relies on this to round-trip.

    if (options.transport == Transport::UnixSocket) {
        options.unixSocketPath = url.path(QUrl::FullyDecoded);
        if (options.unixSocketPath.isEmpty())
            return fail(error, QStringLiteral("unix:// URL \"%1\" has no socket path").arg(text));
        if (!moreSeeds.isEmpty())
            return fail(error,
                        QStringLiteral("a unix:// URL names one socket, not a list of "
                                       "nodes: \"%1\"")
                            .arg(text));
        // A relative path would depend on the directory the program happens to start in.
        if (!options.unixSocketPath.startsWith(u'/'))
            return fail(error,
                        QStringLiteral("the socket path in \"%1\" must be absolute (unix:///path)")
                            .arg(text));
        if (!url.host().isEmpty())
            return fail(
                error,
                QStringLiteral("unix:// URL \"%1\" names a host; write unix:///path").arg(text));
        options.host.clear();
        options.port = 0;
    } else {
        options.host = url.host(QUrl::FullyDecoded);
        if (options.host.isEmpty())
            return fail(error, QStringLiteral("Redis URL \"%1\" has no host").arg(text));
        const int port = url.port(defaultPort);
        if (port <= 0 || port > 65535)
            return fail(error, QStringLiteral("invalid port in \"%1\"").arg(text));
        options.port = quint16(port);
        for (const QString &item : std::as_const(moreSeeds)) {
            const QUrl seed(QStringLiteral("redis://") + item, QUrl::StrictMode);
            const int seedPort = seed.port(defaultPort);
            if (item.isEmpty() || !seed.isValid() || seed.host().isEmpty() || !seed.path().isEmpty()
                || !seed.userInfo().isEmpty() || seedPort <= 0 || seedPort > 65535)
                return fail(
                    error,
                    QStringLiteral("invalid node \"%1\" in \"%2\"").arg(redacted(item), text));
            options.moreSeeds.append({seed.host(QUrl::FullyDecoded), quint16(seedPort)});
        }
        QString path = url.path();
        if (path.startsWith(u'/'))
            path.remove(0, 1);
        if (!path.isEmpty()) {
            bool ok = false;
            options.db = path.toInt(&ok);
            if (!ok || options.db < 0)
                return fail(
                    error,
                    QStringLiteral("invalid database number \"%1\" in \"%2\"").arg(path, text));
        }
    }

    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        bool ok = true;
        if (key == QLatin1String("db")) {
            options.db = value.toInt(&ok);
            ok = ok && options.db >= 0;
        } else if (key == QLatin1String("password")) {
            options.password = value;
        } else if (key == QLatin1String("username") || key == QLatin1String("user")) {
            options.username = value;
        } else if (key == QLatin1String("sentinel_password") && sentinel) {
            options.sentinelPassword = value;
        } else if (key == QLatin1String("sentinel_username") && sentinel) {
            options.sentinelUsername = value;
        } else if (key == QLatin1String("ack_replicas")) {
            options.ackReplicas = value.toInt(&ok);
            ok = ok && options.ackReplicas >= -1 && options.ackReplicas <= 1000;
        } else if (key == QLatin1String("ack_timeout")) {
            const double seconds = value.toDouble(&ok);
            ok = ok && seconds >= 0.001 && seconds <= MaxConnectTimeoutSeconds;
            if (ok)
                options.ackTimeout = std::chrono::milliseconds(std::llround(seconds * 1000));
        } else if (key == QLatin1String("client_name")) {
            options.clientName = value;
        } else if (key == QLatin1String("tls_ca")) {
            options.tlsCaFile = value;
        } else if (key == QLatin1String("tls_cert")) {
            options.tlsCertFile = value;
        } else if (key == QLatin1String("tls_key")) {
            options.tlsKeyFile = value;
        } else if (key == QLatin1String("tls_verify")) {
            options.tlsVerifyPeer = parseBool(value, &ok);
        } else if (key == QLatin1String("tls_server_name")) {
            options.tlsServerName = value;
        } else if (key == QLatin1String("connect_timeout")) {
            const double seconds = value.toDouble(&ok);
            if (ok && (!(seconds >= 0.001) || seconds > MaxConnectTimeoutSeconds))
                return fail(error,
                            QStringLiteral("connect_timeout must be between 0.001 and %1 "
                                           "seconds, not \"%2\" (in \"%3\")")
                                .arg(MaxConnectTimeoutSeconds)
                                .arg(value, text));
            // Rounded, not truncated: 0.001 * 1000 may come out just below 1.
            if (ok)
                options.connectTimeout = std::chrono::milliseconds(std::llround(seconds * 1000));
        } else {
            return fail(error, QStringLiteral("unknown parameter \"%1\" in \"%2\"").arg(key, text));
        }
        if (!ok)
            return fail(error,
                        QStringLiteral("invalid value \"%1\" for \"%2\" in \"%3\"")
                            .arg(key == QLatin1String("password") ? QStringLiteral("***") : value,
                                 key, text));
    }
    return options;
}

QString RedisOptions::Endpoint::toString() const
{
    if (host.contains(u':'))
        return QStringLiteral("[%1]:%2").arg(host).arg(port);
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

QString RedisOptions::endpoint() const
{
    if (transport == Transport::UnixSocket)
        return unixSocketPath;
    return Endpoint{host, port}.toString();
}

QList<RedisOptions::Endpoint> RedisOptions::seeds() const
{
    if (transport == Transport::UnixSocket)
        return {};
    return QList<Endpoint>{{host, port}} + moreSeeds;
}

RedisOptions RedisOptions::forEndpoint(const Endpoint &node) const
{
    RedisOptions options = *this;
    options.host = node.host;
    options.port = node.port;
    options.moreSeeds.clear();
    return options;
}

namespace {

// Percent-encoded where a URL needs it: every ASCII character but the unreserved ones (and
// `keep`). Other characters stay as they are, as in an IRI: QUrl reads them back unchanged,
// where it would leave some percent-encoded ones (Unicode noncharacters) encoded.
QString encoded(const QString &text, QLatin1Char keep = QLatin1Char('\0'))
{
    static constexpr char Hex[] = "0123456789ABCDEF";
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')
            || (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' || u == '~';
        if (u >= 0x80 || unreserved || (keep.unicode() != 0 && u == keep.unicode())) {
            out += c;
        } else {
            out += u'%';
            out += QLatin1Char(Hex[u >> 4]);
            out += QLatin1Char(Hex[u & 0xf]);
        }
    }
    return out;
}

// A path encoded except for its slashes, so that a space, '#', '?' or '%' in a socket path
// cannot end it early or be read as an escape.
QString encodedPath(const QString &path)
{
    return encoded(path, QLatin1Char('/'));
}

// Scheme, user, endpoint and (for TCP) database; percent-encoded where it matters.
QString baseUrl(const RedisOptions &options)
{
    using Transport = RedisOptions::Transport;
    QString url;
    const bool sentinel = !options.sentinelMaster.isEmpty();
    switch (options.transport) {
    case Transport::Tcp:
        url = sentinel ? QStringLiteral("redis-sentinel://") : QStringLiteral("redis://");
        break;
    case Transport::Tls:
        url = sentinel ? QStringLiteral("rediss-sentinel://") : QStringLiteral("rediss://");
        break;
    case Transport::UnixSocket:
        url = QStringLiteral("unix://");
        break;
    }
    if (!options.username.isEmpty())
        url += encoded(options.username) + u'@';
    if (options.transport == Transport::UnixSocket)
        return url + encodedPath(options.unixSocketPath);
    url += options.endpoint();
    for (const RedisOptions::Endpoint &seed : options.moreSeeds)
        url += u',' + seed.toString();
    if (options.db != 0)
        url += u'/' + QString::number(options.db);
    return url;
}

} // namespace

QString RedisOptions::toUrl() const
{
    QStringList query;
    if (transport == Transport::UnixSocket && db != 0)
        query << QStringLiteral("db=") + QString::number(db);
    const auto add = [&query](const char *key, const QString &value) {
        if (!value.isEmpty())
            query << QLatin1String(key) + u'=' + encoded(value);
    };
    add("sentinel_username", sentinelUsername);
    add("client_name", clientName);
    add("tls_ca", tlsCaFile);
    add("tls_cert", tlsCertFile);
    add("tls_key", tlsKeyFile);
    add("tls_server_name", tlsServerName);
    if (!tlsVerifyPeer)
        query << QStringLiteral("tls_verify=0");
    if (ackReplicas != RedisOptions().ackReplicas)
        query << QStringLiteral("ack_replicas=") + QString::number(ackReplicas);
    if (ackTimeout != RedisOptions().ackTimeout)
        query << QStringLiteral("ack_timeout=")
                + QString::number(double(ackTimeout.count()) / 1000, 'g', 17);
    if (connectTimeout != RedisOptions().connectTimeout)
        query << QStringLiteral("connect_timeout=")
                + QString::number(double(connectTimeout.count()) / 1000, 'g', 17);
    QString url = baseUrl(*this);
    if (!query.isEmpty())
        url += u'?' + query.join(u'&');
    if (!sentinelMaster.isEmpty())
        url += u'#' + encoded(sentinelMaster);
    return url;
}

QString RedisOptions::displayUrl() const
{
    if (transport == Transport::UnixSocket && db != 0)
        return baseUrl(*this) + QStringLiteral("?db=") + QString::number(db);
    if (!sentinelMaster.isEmpty())
        return baseUrl(*this) + u'#' + encoded(sentinelMaster);
    return baseUrl(*this);
}

} // namespace Confab
