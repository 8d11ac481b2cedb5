#include "NoticeBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyle>
#include <QToolButton>

namespace Confab {

NoticeBar::NoticeBar(QWidget *parent)
    : QFrame(parent)
{
    setAccessibleName(tr("Notice"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    m_label->setTextFormat(Qt::PlainText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setAccessibleName(tr("Notice text"));
    m_label->setOpenExternalLinks(false);
    connect(m_label, &QLabel::linkActivated, this,
            [this](const QString &link) { Q_EMIT linkActivated(QUrl(link)); });
    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(m_label);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // The bar's tint shows through.
    m_scroll->viewport()->setAutoFillBackground(false);
    m_label->setAutoFillBackground(false);
    m_close = new QToolButton(this);
    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setAccessibleName(tr("Dismiss notice"));
    m_close->setToolTip(tr("Dismiss"));
    connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(m_scroll, 1);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    hide();
}

void NoticeBar::showNotice(const QString &text, bool error)
{
    m_text = text;
    m_label->setTextFormat(Qt::PlainText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setText(text);
    tint(error);
}

void NoticeBar::showLinkedNotice(const QList<Line> &lines)
{
    QStringList plain;
    QStringList html;
    for (const Line &line : lines) {
        plain << line.text;
        const qsizetype at = line.linkText.isEmpty() ? -1 : line.text.indexOf(line.linkText);
        if (at < 0) {
            html << line.text.toHtmlEscaped();
            continue;
        }
        html << line.text.left(at).toHtmlEscaped()
                + QStringLiteral("<a href=\"%1\">%2</a>")
                      .arg(QString::fromUtf8(line.url.toEncoded()).toHtmlEscaped(),
                           line.linkText.toHtmlEscaped())
                + line.text.mid(at + line.linkText.size()).toHtmlEscaped();
    }
    m_text = plain.join(u'\n');
    m_label->setTextFormat(Qt::RichText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse
                                     | Qt::LinksAccessibleByKeyboard);
    // white-space: pre-wrap keeps runs of spaces in names and topics as they are.
    m_label->setText(QStringLiteral("<div style=\"white-space: pre-wrap\">")
                     + html.join(QStringLiteral("<br>")) + QStringLiteral("</div>"));
    tint(false);
}

void NoticeBar::tint(bool error)
{
    m_error = error;
    QPalette p = parentWidget() ? parentWidget()->palette() : palette();
    const QColor base = p.color(QPalette::Base);
    const QColor tint = error ? QColor(0xd9, 0x3f, 0x3f) : p.color(QPalette::Highlight);
    QColor background = tint;
    background.setAlphaF(0.14f);
    // Blend by hand: Window role backgrounds ignore alpha.
    const auto mix = [](int a, int b, float t) {
        return int(a + (b - a) * t);
    };
    const QColor solid(mix(base.red(), tint.red(), 0.14f), mix(base.green(), tint.green(), 0.14f),
                       mix(base.blue(), tint.blue(), 0.14f));
    p.setColor(QPalette::Window, solid);
    setPalette(p);
    show();
    m_scroll->verticalScrollBar()->setValue(0);
    fitHeight();
}

void NoticeBar::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    fitHeight();
}

void NoticeBar::fitHeight()
{
    // The text's height at the width it has, up to MaxLines; more scrolls.
    const int scrollBar = m_scroll->verticalScrollBar()->sizeHint().width();
    const int width = std::max(1, m_scroll->width() - scrollBar);
    const int wanted = m_label->heightForWidth(width);
    const int most = m_label->fontMetrics().lineSpacing() * MaxLines;
    m_scroll->setFixedHeight(std::min(wanted > 0 ? wanted : most, most));
}

QString NoticeBar::text() const
{
    return isVisible() ? m_text : QString();
}

} // namespace Confab
