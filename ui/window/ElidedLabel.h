#pragma once

#include <QLabel>

namespace Confab {

// A one-line label that ends in "…" when its text is wider than it is, instead of being cut
// off mid-word, and never asks for more width than a few characters: a long channel topic
// must not widen the window. The whole text is its tooltip and its accessible description.
class ElidedLabel : public QLabel
{
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget *parent = nullptr);

    QString fullText() const { return m_fullText; }
    void setFullText(const QString &text);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void elide();

    QString m_fullText;
};

} // namespace Confab
