#pragma once

#include "redis/RedisOptions.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QThread;

namespace Confab {

// Where Confab connects and how it logs in: the server as a URL, as host, port and database,
// as the nodes of a Redis Cluster, or as the sentinels and master name of a Sentinel
// deployment (four tabs kept in step), the ACL user and password, and TLS files. A bad entry
// is reported under its field as it is typed, and OK stays disabled until it is valid.
//
// "Test connection" connects for real without blocking the window: a RedisClient (no
// reconnecting) is created in a thread of its own, logs in, asks INFO server and reports back
// with a queued signal: "Connected to host:port (Redis 7.0.15)", "Connected to Cluster · 3
// shards (…)", or the server's own error text ("WRONGPASS …", "Connection refused").
class ConnectionDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectionDialog(QWidget *parent = nullptr);
    // Waits for a running test's thread to stop; that takes one event-loop pass there, since the
    // test never blocks.
    ~ConnectionDialog() override;

    // The profile as entered, password included. Timeouts and other fields the dialog does not
    // show come from the last setOptions().
    RedisOptions options() const;
    void setOptions(const RedisOptions &options);

    // Whether the server fields parse; the reason if not (also shown under the field).
    bool isValid() const { return m_error.isEmpty(); }
    QString validationError() const { return m_error; }
    bool isTesting() const { return m_testing; }
    // The last test's outcome as shown; empty before the first test finishes.
    QString testResult() const;

public Q_SLOTS:
    void testConnection();

protected:
    void changeEvent(QEvent *event) override;

Q_SIGNALS:
    // A test finished; `message` is what the dialog now shows. Emitted in the GUI thread.
    void testFinished(bool ok, const QString &message);
    // From the test thread to the dialog; always queued.
    void testResultArrived(quint64 testId, bool ok, const QString &message, QPrivateSignal);

private:
    enum ServerTab { UrlTab, HostTab, ClusterTab, SentinelTab };
    enum class TestOutcome { None, Running, Succeeded, Failed };

    QWidget *createUrlPage();
    QWidget *createHostPage();
    QWidget *createClusterPage();
    QWidget *createSentinelPage();
    // The server part of the options as the given tab says it; nullopt and why if it cannot.
    std::optional<RedisOptions> serverFromTab(int tab, QString *error) const;
    // After an edit in the current tab: every other tab shows the same server.
    void syncOtherTabs();
    void fillTabs(const RedisOptions &server, int except);
    QGroupBox *createTlsGroup();
    QWidget *createFileRow(QLineEdit *edit, const QString &browseTitle, const QString &filter);
    void validate();
    // The two ways of naming the server follow each other, without re-triggering themselves.
    void fillFieldsFromUrl();
    void showTestResult(quint64 testId, bool ok, const QString &message);
    void setTesting(bool testing);
    void updateColours();

    QTabWidget *m_serverTabs = nullptr;
    QLineEdit *m_url = nullptr;
    QLabel *m_urlError = nullptr;
    QLineEdit *m_host = nullptr;
    QLabel *m_hostError = nullptr;
    QSpinBox *m_port = nullptr;
    QSpinBox *m_db = nullptr;
    QLineEdit *m_clusterNodes = nullptr;
    QLabel *m_clusterError = nullptr;
    QLineEdit *m_sentinels = nullptr;
    QLineEdit *m_sentinelMaster = nullptr;
    QLineEdit *m_sentinelPassword = nullptr;
    QSpinBox *m_sentinelDb = nullptr;
    QLabel *m_sentinelError = nullptr;
    QLineEdit *m_username = nullptr;
    QLineEdit *m_password = nullptr;
    QGroupBox *m_tls = nullptr;
    QLineEdit *m_tlsCa = nullptr;
    QLineEdit *m_tlsCert = nullptr;
    QLineEdit *m_tlsKey = nullptr;
    QCheckBox *m_tlsVerify = nullptr;
    QPushButton *m_testButton = nullptr;
    QProgressBar *m_testSpinner = nullptr;
    QLabel *m_testStatus = nullptr;
    QPushButton *m_okButton = nullptr;

    RedisOptions m_base;
    QString m_error;
    bool m_syncing = false;
    bool m_testing = false;
    TestOutcome m_testOutcome = TestOutcome::None;
    quint64 m_testId = 0;
    QThread *m_testThread = nullptr;
};

} // namespace Confab
