#include "ConnectionDialog.h"

#include "Theme.h"
#include "redis/RedisClient.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QThread>
#include <QUrl>
#include <QVBoxLayout>

namespace Confab {

using namespace std::chrono_literals;

namespace {

QLabel *errorLabel(QWidget *parent, const QString &accessibleName)
{
    auto *label = new QLabel(parent);
    label->setAccessibleName(accessibleName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->hide();
    return label;
}

// "redis_version:7.0.15" out of an INFO reply.
QString infoField(const QString &info, QStringView field)
{
    for (QStringView line : QStringView(info).split(u'\n')) {
        line = line.trimmed();
        if (line.startsWith(field) && line.size() > field.size() && line.at(field.size()) == u':')
            return line.mid(field.size() + 1).toString();
    }
    return {};
}

// The server's words, without the client-side code we put in front of our own errors
// ("NOT_CONNECTED 127.0.0.1:6379: AUTH failed: WRONGPASS ..." -> "127.0.0.1:6379: AUTH ...").
QString errorText(const RedisReply &reply)
{
    QString text = reply.toString().trimmed();
    if (reply.isClientError()) {
        const qsizetype space = text.indexOf(u' ');
        if (space > 0)
            text.remove(0, space + 1);
    }
    return text;
}

} // namespace

ConnectionDialog::ConnectionDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Connection"));
    setAccessibleName(tr("Connection settings"));

    m_serverTabs = new QTabWidget(this);
    m_serverTabs->setAccessibleName(tr("Server address"));
    m_serverTabs->addTab(createUrlPage(), tr("URL"));
    m_serverTabs->addTab(createHostPage(), tr("Host and port"));
    m_serverTabs->addTab(createClusterPage(), tr("Cluster"));
    m_serverTabs->addTab(createSentinelPage(), tr("Sentinel"));
    connect(m_serverTabs, &QTabWidget::currentChanged, this, [this] { validate(); });

    m_username = new QLineEdit(this);
    m_username->setObjectName(QStringLiteral("usernameEdit"));
    m_username->setAccessibleName(tr("ACL user name"));
    m_username->setPlaceholderText(tr("default"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setAccessibleName(tr("Password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("none"));
    auto *login = new QGroupBox(tr("Login"), this);
    login->setAccessibleName(tr("Login"));
    auto *loginForm = new QFormLayout(login);
    loginForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    loginForm->addRow(tr("&User:"), m_username);
    loginForm->addRow(tr("&Password:"), m_password);

    m_tls = createTlsGroup();

    m_testButton = new QPushButton(tr("&Test Connection"), this);
    m_testButton->setObjectName(QStringLiteral("testConnectionButton"));
    m_testButton->setAccessibleName(tr("Test connection"));
    m_testButton->setAutoDefault(false);
    connect(m_testButton, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
    m_testSpinner = new QProgressBar(this);
    m_testSpinner->setAccessibleName(tr("Testing"));
    m_testSpinner->setRange(0, 0); // busy indicator
    m_testSpinner->setTextVisible(false);
    m_testSpinner->setFixedWidth(60);
    m_testSpinner->setMaximumHeight(m_testButton->sizeHint().height() / 2);
    m_testSpinner->hide();
    m_testStatus = new QLabel(this);
    m_testStatus->setObjectName(QStringLiteral("testStatus"));
    m_testStatus->setAccessibleName(tr("Test result"));
    m_testStatus->setWordWrap(true);
    m_testStatus->setTextFormat(Qt::PlainText);
    m_testStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testStatus->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *testRow = new QHBoxLayout;
    testRow->setSpacing(8);
    testRow->addWidget(m_testButton, 0, Qt::AlignTop);
    testRow->addWidget(m_testSpinner, 0, Qt::AlignVCenter);
    testRow->addWidget(m_testStatus, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_okButton = buttons->button(QDialogButtonBox::Ok);
    m_okButton->setAccessibleName(tr("Use these settings"));
    buttons->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 14, 14, 12);
    layout->setSpacing(10);
    layout->addWidget(m_serverTabs);
    layout->addWidget(login);
    layout->addWidget(m_tls);
    layout->addLayout(testRow);
    layout->addStretch(1);
    layout->addWidget(buttons);

    // Queued: the signal is emitted in the test thread, the result is shown in this one.
    connect(this, &ConnectionDialog::testResultArrived, this, &ConnectionDialog::showTestResult,
            Qt::QueuedConnection);

    setOptions(RedisOptions());
    updateColours();
    setMinimumWidth(540);
}

ConnectionDialog::~ConnectionDialog()
{
    if (m_testThread) {
        m_testThread->quit();
        m_testThread->wait();
    }
}

QWidget *ConnectionDialog::createUrlPage()
{
    auto *page = new QWidget;
    page->setAccessibleName(tr("URL"));
    m_url = new QLineEdit(page);
    m_url->setObjectName(QStringLiteral("urlEdit"));
    m_url->setAccessibleName(tr("Server URL"));
    m_url->setPlaceholderText(QStringLiteral("redis://localhost:6379/0"));
    m_url->setToolTip(tr("redis://host:port/db, rediss://… for TLS, unix:///path/to/socket, "
                         "redis://node1:port,node2:port for a Redis Cluster, or "
                         "redis-sentinel://sentinel1,sentinel2#mastername"));
    m_urlError = errorLabel(page, tr("URL error"));
    m_urlError->setObjectName(QStringLiteral("urlError"));
    connect(m_url, &QLineEdit::textChanged, this, [this] {
        if (m_syncing)
            return;
        validate();
        if (isValid()) {
            fillFieldsFromUrl();
            syncOtherTabs();
        }
    });

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->setSpacing(4);
    layout->addWidget(m_url);
    layout->addWidget(m_urlError);
    layout->addStretch(1);
    return page;
}

QWidget *ConnectionDialog::createHostPage()
{
    auto *page = new QWidget;
    page->setAccessibleName(tr("Host and port"));
    m_host = new QLineEdit(page);
    m_host->setObjectName(QStringLiteral("hostEdit"));
    m_host->setAccessibleName(tr("Host"));
    m_host->setPlaceholderText(QStringLiteral("localhost"));
    m_hostError = errorLabel(page, tr("Host error"));
    m_port = new QSpinBox(page);
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_port->setAccessibleName(tr("Port"));
    m_port->setRange(1, 65535);
    m_port->setValue(6379);
    m_db = new QSpinBox(page);
    m_db->setObjectName(QStringLiteral("dbSpin"));
    m_db->setAccessibleName(tr("Database number"));
    m_db->setRange(0, 9999);
    auto fieldsChanged = [this] {
        if (m_syncing)
            return;
        validate();
        syncOtherTabs();
    };
    connect(m_host, &QLineEdit::textChanged, this, fieldsChanged);
    connect(m_port, &QSpinBox::valueChanged, this, fieldsChanged);
    connect(m_db, &QSpinBox::valueChanged, this, fieldsChanged);

    auto *portRow = new QHBoxLayout;
    portRow->addWidget(m_port);
    portRow->addSpacing(12);
    auto *dbLabel = new QLabel(tr("&Database:"), page);
    dbLabel->setAccessibleName(tr("Database"));
    dbLabel->setBuddy(m_db);
    portRow->addWidget(dbLabel);
    portRow->addWidget(m_db);
    portRow->addStretch(1);

    auto *form = new QFormLayout(page);
    form->setContentsMargins(10, 10, 10, 10);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(QString(), m_hostError);
    auto *portLabel = new QLabel(tr("P&ort:"), page);
    portLabel->setBuddy(m_port);
    form->addRow(portLabel, portRow);
    return page;
}

QWidget *ConnectionDialog::createClusterPage()
{
    auto *page = new QWidget;
    page->setAccessibleName(tr("Cluster"));
    m_clusterNodes = new QLineEdit(page);
    m_clusterNodes->setObjectName(QStringLiteral("clusterNodesEdit"));
    m_clusterNodes->setAccessibleName(tr("Cluster nodes"));
    m_clusterNodes->setPlaceholderText(QStringLiteral("10.0.0.1:7001, 10.0.0.2:7001"));
    m_clusterError = errorLabel(page, tr("Cluster nodes error"));
    m_clusterError->setObjectName(QStringLiteral("clusterError"));
    auto *hint = new QLabel(tr("Any node of the cluster will do; list more to have others to try "
                               "when one is down. Confab finds the rest."),
                            page);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    connect(m_clusterNodes, &QLineEdit::textChanged, this, [this] {
        if (m_syncing)
            return;
        validate();
        syncOtherTabs();
    });
    auto *form = new QFormLayout(page);
    form->setContentsMargins(10, 10, 10, 10);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("&Nodes:"), m_clusterNodes);
    form->addRow(QString(), m_clusterError);
    form->addRow(QString(), hint);
    return page;
}

QWidget *ConnectionDialog::createSentinelPage()
{
    auto *page = new QWidget;
    page->setAccessibleName(tr("Sentinel"));
    m_sentinels = new QLineEdit(page);
    m_sentinels->setObjectName(QStringLiteral("sentinelsEdit"));
    m_sentinels->setAccessibleName(tr("Sentinels"));
    m_sentinels->setPlaceholderText(QStringLiteral("10.0.0.1:26379, 10.0.0.2:26379"));
    m_sentinelMaster = new QLineEdit(page);
    m_sentinelMaster->setObjectName(QStringLiteral("sentinelMasterEdit"));
    m_sentinelMaster->setAccessibleName(tr("Master name"));
    m_sentinelMaster->setPlaceholderText(QStringLiteral("mymaster"));
    m_sentinelPassword = new QLineEdit(page);
    m_sentinelPassword->setObjectName(QStringLiteral("sentinelPasswordEdit"));
    m_sentinelPassword->setAccessibleName(tr("Sentinel password"));
    m_sentinelPassword->setEchoMode(QLineEdit::Password);
    m_sentinelPassword->setPlaceholderText(tr("none"));
    m_sentinelPassword->setToolTip(
        tr("The sentinels' own password (their requirepass), not the data nodes' one, which goes "
           "under Login."));
    m_sentinelDb = new QSpinBox(page);
    m_sentinelDb->setObjectName(QStringLiteral("sentinelDbSpin"));
    m_sentinelDb->setAccessibleName(tr("Database number"));
    m_sentinelDb->setRange(0, 9999);
    m_sentinelError = errorLabel(page, tr("Sentinel error"));
    m_sentinelError->setObjectName(QStringLiteral("sentinelError"));
    auto changed = [this] {
        if (m_syncing)
            return;
        validate();
        syncOtherTabs();
    };
    connect(m_sentinels, &QLineEdit::textChanged, this, changed);
    connect(m_sentinelMaster, &QLineEdit::textChanged, this, changed);
    connect(m_sentinelDb, &QSpinBox::valueChanged, this, changed);

    auto *masterRow = new QHBoxLayout;
    masterRow->addWidget(m_sentinelMaster, 1);
    masterRow->addSpacing(12);
    auto *dbLabel = new QLabel(tr("D&atabase:"), page);
    dbLabel->setBuddy(m_sentinelDb);
    masterRow->addWidget(dbLabel);
    masterRow->addWidget(m_sentinelDb);

    auto *form = new QFormLayout(page);
    form->setContentsMargins(10, 10, 10, 10);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("&Sentinels:"), m_sentinels);
    // A row whose field is a layout gets no buddy by itself, and would show the '&'.
    auto *masterLabel = new QLabel(tr("&Master name:"), page);
    masterLabel->setBuddy(m_sentinelMaster);
    form->addRow(masterLabel, masterRow);
    form->addRow(tr("Sentinel pass&word:"), m_sentinelPassword);
    form->addRow(QString(), m_sentinelError);
    return page;
}

std::optional<RedisOptions> ConnectionDialog::serverFromTab(int tab, QString *error) const
{
    QString why;
    std::optional<RedisOptions> server;
    // Every tab is read as the URL it stands for, so each follows the same rules.
    const QString tls = m_tls->isChecked() ? QStringLiteral("s") : QString();
    auto nodes = [](const QString &text) {
        QStringList items = text.split(u',', Qt::SkipEmptyParts);
        for (QString &item : items)
            item = item.trimmed();
        items.removeAll(QString());
        return items;
    };
    switch (tab) {
    case UrlTab: {
        const QString url = m_url->text().trimmed();
        if (url.isEmpty())
            why = tr("Enter a redis://, rediss:// or unix:// URL.");
        else if (!url.contains(QLatin1String("://")))
            why = tr("A server URL starts with redis://, rediss:// (TLS) or unix://.");
        else
            server = RedisOptions::fromUrl(url, &why);
        break;
    }
    case HostTab: {
        const QString host = m_host->text().trimmed();
        if (host.isEmpty()) {
            why = tr("Enter the server's host name or address.");
            break;
        }
        server =
            RedisOptions::fromUrl(QStringLiteral("redis%1://%2:%3/%4")
                                      .arg(tls, host.contains(u':') ? u'[' + host + u']' : host)
                                      .arg(m_port->value())
                                      .arg(m_db->value()),
                                  &why);
        break;
    }
    case ClusterTab: {
        const QStringList list = nodes(m_clusterNodes->text());
        if (list.isEmpty()) {
            why = tr("Enter one or more nodes of the cluster, as host:port.");
            break;
        }
        server =
            RedisOptions::fromUrl(QStringLiteral("redis%1://%2").arg(tls, list.join(u',')), &why);
        break;
    }
    case SentinelTab: {
        const QStringList list = nodes(m_sentinels->text());
        const QString master = m_sentinelMaster->text().trimmed();
        if (list.isEmpty()) {
            why = tr("Enter one or more sentinels, as host:port (port 26379 if left out).");
            break;
        }
        if (master.isEmpty()) {
            why = tr("Enter the name the sentinels know the master by (sentinel monitor NAME …).");
            break;
        }
        server =
            RedisOptions::fromUrl(QStringLiteral("redis%1-sentinel://%2/%3#%4")
                                      .arg(tls, list.join(u','))
                                      .arg(m_sentinelDb->value())
                                      .arg(QString::fromLatin1(QUrl::toPercentEncoding(master))),
                                  &why);
        if (server)
            server->sentinelPassword = m_sentinelPassword->text();
        break;
    }
    }
    if (!server && error)
        *error = why;
    return server;
}

void ConnectionDialog::syncOtherTabs()
{
    if (const std::optional<RedisOptions> server =
            serverFromTab(m_serverTabs->currentIndex(), nullptr))
        fillTabs(*server, m_serverTabs->currentIndex());
}

void ConnectionDialog::fillTabs(const RedisOptions &server, int except)
{
    m_syncing = true;
    const bool unix = server.transport == RedisOptions::Transport::UnixSocket;
    const bool sentinel = !server.sentinelMaster.isEmpty();
    QStringList seeds;
    for (const RedisOptions::Endpoint &seed : server.seeds())
        seeds << seed.toString();
    if (except != UrlTab) {
        // Without user or password: those have fields of their own, and the URL never shows
        // a secret.
        RedisOptions shown = server;
        shown.username.clear();
        shown.password.clear();
        m_url->setText(shown.displayUrl());
    }
    if (except != HostTab && !unix && !sentinel) {
        m_host->setText(server.host);
        m_port->setValue(server.port > 0 ? server.port : 6379);
        m_db->setValue(server.db);
    }
    if (except != ClusterTab && !unix && !sentinel)
        m_clusterNodes->setText(seeds.join(QStringLiteral(", ")));
    if (except != SentinelTab && sentinel) {
        m_sentinels->setText(seeds.join(QStringLiteral(", ")));
        m_sentinelMaster->setText(server.sentinelMaster);
        m_sentinelDb->setValue(server.db);
        if (!server.sentinelPassword.isEmpty())
            m_sentinelPassword->setText(server.sentinelPassword);
    }
    if (!unix && except != UrlTab)
        m_tls->setChecked(server.transport == RedisOptions::Transport::Tls);
    m_syncing = false;
}

QWidget *ConnectionDialog::createFileRow(QLineEdit *edit, const QString &browseTitle,
                                         const QString &filter)
{
    auto *row = new QWidget(m_tls);
    row->setAccessibleName(edit->accessibleName());
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    auto *browse = new QPushButton(tr("Browse…"), row);
    browse->setAccessibleName(tr("Browse for %1").arg(edit->accessibleName()));
    browse->setAutoDefault(false);
    connect(browse, &QPushButton::clicked, this, [this, edit, browseTitle, filter] {
        const QString file = QFileDialog::getOpenFileName(this, browseTitle, edit->text(), filter);
        if (!file.isEmpty())
            edit->setText(file);
    });
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    return row;
}

QGroupBox *ConnectionDialog::createTlsGroup()
{
    m_tls = new QGroupBox(tr("Use &TLS"), this);
    m_tls->setObjectName(QStringLiteral("tlsGroup"));
    m_tls->setAccessibleName(tr("Use TLS"));
    m_tls->setCheckable(true);
    m_tls->setChecked(false);
    connect(m_tls, &QGroupBox::toggled, this, [this] {
        if (m_syncing)
            return;
        // Switches the URL's scheme, but never overwrites a URL the user is still typing, nor
        // turns a unix socket into a host.
        std::optional<RedisOptions> server = serverFromTab(m_serverTabs->currentIndex(), nullptr);
        if (!server || server->transport == RedisOptions::Transport::UnixSocket)
            return;
        server->transport =
            m_tls->isChecked() ? RedisOptions::Transport::Tls : RedisOptions::Transport::Tcp;
        fillTabs(*server, -1);
    });

    const QString pemFilter = tr("PEM files (*.pem *.crt *.cert *.key);;All files (*)");
    m_tlsCa = new QLineEdit(m_tls);
    m_tlsCa->setObjectName(QStringLiteral("tlsCaEdit"));
    m_tlsCa->setAccessibleName(tr("CA certificate file"));
    m_tlsCa->setPlaceholderText(tr("system certificates"));
    m_tlsCert = new QLineEdit(m_tls);
    m_tlsCert->setObjectName(QStringLiteral("tlsCertEdit"));
    m_tlsCert->setAccessibleName(tr("Client certificate file"));
    m_tlsCert->setPlaceholderText(tr("none"));
    m_tlsKey = new QLineEdit(m_tls);
    m_tlsKey->setObjectName(QStringLiteral("tlsKeyEdit"));
    m_tlsKey->setAccessibleName(tr("Client key file"));
    m_tlsKey->setPlaceholderText(tr("none"));
    m_tlsVerify = new QCheckBox(tr("&Verify the server's certificate and name"), m_tls);
    m_tlsVerify->setObjectName(QStringLiteral("tlsVerifyCheck"));
    m_tlsVerify->setAccessibleName(tr("Verify peer"));
    m_tlsVerify->setChecked(true);

    auto *form = new QFormLayout(m_tls);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("&CA file:"), createFileRow(m_tlsCa, tr("CA certificate"), pemFilter));
    form->addRow(tr("Client c&ertificate:"),
                 createFileRow(m_tlsCert, tr("Client certificate"), pemFilter));
    form->addRow(tr("Client &key:"), createFileRow(m_tlsKey, tr("Client key"), pemFilter));
    form->addRow(QString(), m_tlsVerify);
    return m_tls;
}

RedisOptions ConnectionDialog::options() const
{
    RedisOptions options = m_base;
    const std::optional<RedisOptions> parsed = serverFromTab(m_serverTabs->currentIndex(), nullptr);
    if (parsed) {
        // Everything the URL can say (query parameters included) applies; the widgets below
        // were filled from it and may have been edited since, so they win.
        options = *parsed;
        options.reconnectMinDelay = m_base.reconnectMinDelay;
        options.reconnectMaxDelay = m_base.reconnectMaxDelay;
        options.healthCheckInterval = m_base.healthCheckInterval;
        options.healthCheckTimeout = m_base.healthCheckTimeout;
        options.queueTimeout = m_base.queueTimeout;
        options.maxQueuedCommands = m_base.maxQueuedCommands;
        options.autoReconnect = m_base.autoReconnect;
        // A URL without connect_timeout, client_name or tls_server_name leaves those as set.
        if (options.connectTimeout == RedisOptions().connectTimeout)
            options.connectTimeout = m_base.connectTimeout;
        if (options.clientName.isEmpty())
            options.clientName = m_base.clientName;
        if (options.tlsServerName.isEmpty())
            options.tlsServerName = m_base.tlsServerName;
        if (options.ackReplicas == RedisOptions().ackReplicas)
            options.ackReplicas = m_base.ackReplicas;
        if (options.ackTimeout == RedisOptions().ackTimeout)
            options.ackTimeout = m_base.ackTimeout;
    } else {
        options.host = m_host->text().trimmed();
        options.port = quint16(m_port->value());
        options.db = m_db->value();
        if (options.transport == RedisOptions::Transport::UnixSocket)
            options.transport = RedisOptions::Transport::Tcp;
    }
    if (options.transport != RedisOptions::Transport::UnixSocket)
        options.transport =
            m_tls->isChecked() ? RedisOptions::Transport::Tls : RedisOptions::Transport::Tcp;
    options.username = m_username->text().trimmed();
    options.password = m_password->text();
    options.tlsCaFile = m_tlsCa->text().trimmed();
    options.tlsCertFile = m_tlsCert->text().trimmed();
    options.tlsKeyFile = m_tlsKey->text().trimmed();
    options.tlsVerifyPeer = m_tlsVerify->isChecked();
    options.sentinelPassword =
        options.sentinelMaster.isEmpty() ? QString() : m_sentinelPassword->text();
    return options;
}

void ConnectionDialog::setOptions(const RedisOptions &options)
{
    m_base = options;
    m_syncing = true;
    m_host->setText(options.transport == RedisOptions::Transport::UnixSocket ? QString()
                                                                             : options.host);
    m_port->setValue(options.port > 0 ? options.port : 6379);
    m_db->setValue(options.db);
    m_username->setText(options.username);
    m_password->setText(options.password);
    m_tls->setChecked(options.transport == RedisOptions::Transport::Tls);
    m_tlsCa->setText(options.tlsCaFile);
    m_tlsCert->setText(options.tlsCertFile);
    m_tlsKey->setText(options.tlsKeyFile);
    m_tlsVerify->setChecked(options.tlsVerifyPeer);
    m_sentinelPassword->setText(options.sentinelPassword);
    m_syncing = false;
    fillTabs(options, -1);
    // The tab that says it most plainly.
    m_serverTabs->setCurrentIndex(!options.sentinelMaster.isEmpty()  ? SentinelTab
                                      : !options.moreSeeds.isEmpty() ? ClusterTab
                                                                     : UrlTab);
    validate();
}

void ConnectionDialog::fillFieldsFromUrl()
{
    const std::optional<RedisOptions> parsed = RedisOptions::fromUrl(m_url->text());
    if (!parsed)
        return;
    m_syncing = true;
    if (parsed->transport != RedisOptions::Transport::UnixSocket) {
        m_host->setText(parsed->host);
        m_port->setValue(parsed->port);
        m_tls->setChecked(parsed->transport == RedisOptions::Transport::Tls);
    }
    m_db->setValue(parsed->db);
    // Only what the URL actually says: a URL without a user must not wipe the user field.
    if (!parsed->username.isEmpty())
        m_username->setText(parsed->username);
    if (!parsed->password.isEmpty())
        m_password->setText(parsed->password);
    if (!parsed->tlsCaFile.isEmpty())
        m_tlsCa->setText(parsed->tlsCaFile);
    if (!parsed->tlsCertFile.isEmpty())
        m_tlsCert->setText(parsed->tlsCertFile);
    if (!parsed->tlsKeyFile.isEmpty())
        m_tlsKey->setText(parsed->tlsKeyFile);
    if (!parsed->tlsVerifyPeer)
        m_tlsVerify->setChecked(false);
    m_syncing = false;
}

void ConnectionDialog::validate()
{
    const int tab = m_serverTabs->currentIndex();
    QString error;
    serverFromTab(tab, &error);
    const std::pair<int, QLabel *> labels[] = {
        {UrlTab, m_urlError},
        {HostTab, m_hostError},
        {ClusterTab, m_clusterError},
        {SentinelTab, m_sentinelError},
    };
    for (const auto &[index, label] : labels) {
        const QString shown = index == tab ? error : QString();
        label->setText(shown);
        label->setVisible(!shown.isEmpty());
    }
    m_error = error;
    m_okButton->setEnabled(m_error.isEmpty());
    m_testButton->setEnabled(m_error.isEmpty() && !m_testing);
}

QString ConnectionDialog::testResult() const
{
    return m_testing ? QString() : m_testStatus->text();
}

void ConnectionDialog::setTesting(bool testing)
{
    m_testing = testing;
    m_testSpinner->setVisible(testing);
    m_testButton->setEnabled(!testing && isValid());
    if (testing) {
        m_testOutcome = TestOutcome::Running;
        m_testStatus->setText(tr("Testing…"));
        updateColours();
    }
}

void ConnectionDialog::changeEvent(QEvent *event)
{
    QDialog::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColours();
}

void ConnectionDialog::updateColours()
{
    // Explicit colours do not follow theme changes by themselves; they are set again here.
    if (!m_testStatus)
        return; // a palette change during construction
    const QPalette base = palette();
    auto tinted = [&base](const QColor &colour) {
        QPalette result = base;
        result.setColor(QPalette::WindowText, colour);
        return result;
    };
    const QPalette error = tinted(Theme::errorTextColor(base));
    m_urlError->setPalette(error);
    m_hostError->setPalette(error);
    m_clusterError->setPalette(error);
    m_sentinelError->setPalette(error);
    switch (m_testOutcome) {
    case TestOutcome::Succeeded:
        m_testStatus->setPalette(tinted(Theme::successTextColor(base)));
        break;
    case TestOutcome::Failed:
        m_testStatus->setPalette(error);
        break;
    case TestOutcome::None:
    case TestOutcome::Running:
        m_testStatus->setPalette(base);
        break;
    }
}

void ConnectionDialog::testConnection()
{
    if (m_testing || !isValid())
        return;
    RedisOptions options = this->options();
    // One attempt, reported as it is: a test that quietly retried would hide the problem.
    options.autoReconnect = false;
    options.healthCheckInterval = 0ms;
    if (options.clientName.isEmpty())
        options.clientName = QStringLiteral("confab-connection-test");
    setTesting(true);

    if (!m_testThread) {
        m_testThread = new QThread(this);
        m_testThread->setObjectName(QStringLiteral("ConnectionTest"));
        m_testThread->start();
    }
    // The connection's sockets must be created in the thread that uses them, so the
    // connection is made there, as the child of a context object that lives there.
    auto *context = new QObject;
    context->moveToThread(m_testThread);
    connect(m_testThread, &QThread::finished, context, &QObject::deleteLater);
    const quint64 testId = ++m_testId;

    QMetaObject::invokeMethod(
        context,
        [this, context, options, testId] {
            // Runs in the test thread. `this` stays valid: the destructor waits for the thread.
            auto report = [this, context, testId](bool ok, const QString &message) {
                Q_EMIT testResultArrived(testId, ok, message, QPrivateSignal());
                context->deleteLater();
            };
            auto *connection = new RedisClient(options, context);
            connection->open();
            RedisConnection::CommandOptions commandOptions;
            commandOptions.timeout = options.connectTimeout + 5s;
            // Queued until the login succeeds, or failed with the reason it did not.
            connection->command(
                {"INFO", "server"},
                [report, connection](const RedisReply &reply) {
                    // What it turned out to be: a server, a cluster, a Sentinel's master.
                    const QString endpoint = connection->description();
                    if (reply.isError() && reply.isClientError()) {
                        report(false, errorText(reply));
                        return;
                    }
                    if (reply.isError()) {
                        // Logged in, but this user may not run INFO: still a working connection.
                        report(true,
                               tr("Connected to %1 (INFO refused: %2)")
                                   .arg(endpoint, errorText(reply)));
                        return;
                    }
                    const QString version = infoField(reply.toString(), u"redis_version");
                    report(true,
                           version.isEmpty()
                               ? tr("Connected to %1").arg(endpoint)
                               : tr("Connected to %1 (Redis %2)").arg(endpoint, version));
                },
                commandOptions);
        },
        Qt::QueuedConnection);
}

void ConnectionDialog::showTestResult(quint64 testId, bool ok, const QString &message)
{
    if (testId != m_testId)
        return; // an older test's answer
    setTesting(false);
    m_testOutcome = ok ? TestOutcome::Succeeded : TestOutcome::Failed;
    updateColours();
    m_testStatus->setText((ok ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + message);
    Q_EMIT testFinished(ok, message);
}

} // namespace Confab
