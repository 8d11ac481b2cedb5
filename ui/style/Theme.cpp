#include "Theme.h"

#include "ColorContrast.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

#include <memory>

namespace Confab {

void Theme::apply(AppSettings::Theme theme)
{
    // One style for every theme, so switching themes never changes widget metrics or layout,
    // only colours; Fusion draws everything from the palette, on every OS.
    if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStringLiteral("Fusion"));

    switch (theme) {
    case AppSettings::Theme::System:
        // An empty palette resolves every role from the platform theme (or the style's
        // standard palette where the platform has none): the system colours, including a
        // desktop that is dark itself.
        QApplication::setPalette(QPalette());
        break;
    case AppSettings::Theme::Light:
        QApplication::setPalette(lightPalette());
        break;
    case AppSettings::Theme::Dark:
        QApplication::setPalette(darkPalette());
        break;
    }
}

QPalette Theme::lightPalette()
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    return fusion ? fusion->standardPalette() : QPalette(QColor(0xef, 0xef, 0xef));
}

QPalette Theme::darkPalette()
{
    const QColor window(0x2b, 0x2b, 0x2b);
    const QColor base(0x1e, 0x1e, 0x1e);
    const QColor alternateBase(0x26, 0x26, 0x26);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor button(0x33, 0x33, 0x33);
    const QColor highlight(0x3d, 0x7b, 0xd9);
    const QColor disabledText(0x80, 0x80, 0x80);

    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, alternateBase);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, button);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x6c, 0xb2, 0xff));
    palette.setColor(QPalette::LinkVisited, QColor(0xb0, 0x8c, 0xff));
    palette.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3c, 0x3c));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8c, 0x8c));
    // Fusion draws bevels and frames from these; derived from Button so edges stay visible
    // on the dark background without glowing.
    palette.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
    palette.setColor(QPalette::Midlight, QColor(0x3e, 0x3e, 0x3e));
    palette.setColor(QPalette::Mid, QColor(0x26, 0x26, 0x26));
    palette.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    palette.setColor(QPalette::Shadow, QColor(0x0d, 0x0d, 0x0d));

    palette.setColor(QPalette::Disabled, QPalette::WindowText, disabledText);
    palette.setColor(QPalette::Disabled, QPalette::Text, disabledText);
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, disabledText);
    palette.setColor(QPalette::Disabled, QPalette::Base, window);
    palette.setColor(QPalette::Disabled, QPalette::Button, QColor(0x2e, 0x2e, 0x2e));
    palette.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x4a, 0x4a, 0x4a));
    palette.setColor(QPalette::Disabled, QPalette::HighlightedText, disabledText);
    palette.setColor(QPalette::Disabled, QPalette::Light, QColor(0x33, 0x33, 0x33));
    palette.setColor(QPalette::Disabled, QPalette::PlaceholderText, QColor(0x5c, 0x5c, 0x5c));
    // A window that lost focus keeps its selection visible, just quieter.
    palette.setColor(QPalette::Inactive, QPalette::Highlight, QColor(0x35, 0x5a, 0x8f));
    return palette;
}

namespace {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

} // namespace

QColor Theme::errorTextColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0x7b, 0x72) : QColor(0xc4, 0x2b, 0x1c);
}

QColor Theme::hintTextColor(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Window);
    return ColorContrast::readableOn(
        ColorContrast::mix(palette.color(QPalette::WindowText), window, 0.4), window, 4.5);
}

QColor Theme::mentionBadgeColor()
{
    return ColorContrast::readableOn(QColor(0xd9, 0x3f, 0x3f), Qt::white, 5.0);
}

namespace {

// Keeps a hint's colour right across theme switches: the colour was computed from the palette
// of the time, and a label's own colour is not replaced when the application's palette is.
class HintRestyler : public QObject
{
public:
    using QObject::QObject;

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        // A theme switch reaches child widgets as a PaletteChange; so does the setPalette()
        // below, which changes nothing the second time.
        if (event->type() == QEvent::PaletteChange) {
            if (auto *label = qobject_cast<QWidget *>(watched)) {
                const QColor hint = Theme::hintTextColor(QApplication::palette(label));
                if (label->palette().color(QPalette::WindowText) != hint) {
                    QPalette palette = label->palette();
                    palette.setColor(QPalette::WindowText, hint);
                    label->setPalette(palette);
                }
            }
        }
        return false;
    }
};

} // namespace

void Theme::styleAsHint(QWidget *label)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, hintTextColor(palette));
    label->setPalette(palette);
    if (!label->property("confabHint").toBool()) {
        label->setProperty("confabHint", true);
        label->installEventFilter(new HintRestyler(label));
    }
}

QColor Theme::successTextColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x5f, 0xd0, 0x7e) : QColor(0x1e, 0x7e, 0x34);
}

} // namespace Confab
