#include "MessageDelegate.h"

#include "AuthorColors.h"
#include "ColorContrast.h"
#include "LinkFinder.h"
#include "MessageRowCache.h"
#include "TextSelection.h"

#include "chat/DisplayText.h"
#include "model/MessageLogModel.h"

#include <QFontMetrics>
#include <QLocale>
#include <QPainter>
#include <QPersistentModelIndex>

#include <algorithm>
#include <cmath>

namespace Confab {

namespace {

// Not a message but a gap in the log: trimmed history, or entries lost in a failover.
bool isGap(int type)
{
    return type == int(ChatMessage::Type::Expired) || type == int(ChatMessage::Type::RolledBack)
        || type == int(ChatMessage::Type::NewMessages);
}

// Horizontal: [mention bar + padding][timestamp][gap][name][gap][text...][padding]
constexpr int MentionBarWidth = 3;
constexpr int LeftPadding = 10;
constexpr int RightPadding = 10;
constexpr int TimestampGap = 10;
constexpr int NameGap = 8;
constexpr int MinBodyWidth = 60;
// Vertical: a new speaker gets air above; the rest of a group sits close to it.
constexpr int GroupTopPadding = 6;
constexpr int ContinuationTopPadding = 1;
constexpr int BottomPadding = 3;

QFont scaled(const QFont &font, qreal factor)
{
    QFont result = font;
    if (font.pointSizeF() > 0)
        result.setPointSizeF(font.pointSizeF() * factor);
    else
        result.setPixelSize(std::max(1, qRound(font.pixelSize() * factor)));
    return result;
}

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

bool isLineBreak(QChar c)
{
    return c == u'\n' || c == u'\r' || c == QChar::ParagraphSeparator;
}

// Line breaks in a message become QTextLayout's forced breaks; anything else stays as sent.
// What is cut off a long text goes to `cutOff`.
QString shownText(const QString &raw, QString *cutOff = nullptr)
{
    QString text = raw;
    if (raw.size() > MessageDelegate::MaxDisplayChars) {
        text = raw.left(MessageDelegate::MaxDisplayChars) + QChar(0x2026);
        if (cutOff)
            *cutOff = DisplayText::marked(raw.mid(MessageDelegate::MaxDisplayChars));
    }
    // Bidi overrides and control characters are shown, not obeyed: "gnp.exe" behind a
    // right-to-left override must not read as "exe.png".
    text = DisplayText::marked(text);
    text.replace(QStringLiteral("\r\n"), QString(QChar::LineSeparator));
    std::replace_if(text.begin(), text.end(), isLineBreak, QChar::LineSeparator);
    return text;
}

// Text for the clipboard: each kind of line break as "\n", without the isolates that only
// keep names and topics from reordering the text around them on screen.
QString withNewlines(QString text)
{
    text.remove(QChar(0x2068));
    text.remove(QChar(0x2069));
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    std::replace_if(
        text.begin(), text.end(),
        [](QChar c) { return isLineBreak(c) || c == QChar::LineSeparator; }, QChar(u'\n'));
    return text;
}

QString oneLine(QString text)
{
    std::replace_if(
        text.begin(), text.end(),
        [](QChar c) { return isLineBreak(c) || c == QChar::LineSeparator; }, QChar(u' '));
    return text;
}

QString displayName(const QString &author)
{
    return author.isEmpty() ? QStringLiteral("?") : author;
}

} // namespace

MessageDelegate::MessageDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
    , m_rows(new MessageRowCache(this))
{
    connect(m_rows, &MessageRowCache::rowChanged, this,
            [this](const QByteArray &id) { m_layouts.remove(id); });
}

MessageDelegate::~MessageDelegate() = default;

void MessageDelegate::setLook(const QFont &font, const QPalette &palette)
{
    Look look;
    look.palette = palette;
    look.font = font;
    look.nameFont = font;
    look.nameFont.setBold(true);
    look.actionFont = font;
    look.actionFont.setItalic(true);
    look.systemTimestampFont = scaled(font, 0.92);
    look.systemFont = look.systemTimestampFont;
    look.systemFont.setItalic(true);
    look.noteFont = scaled(font, 0.85);
    look.dayFont = scaled(font, 0.85);
    look.dayFont.setBold(true);

    // A little more than the font's own line spacing: wrapped chat text reads better airy.
    look.lineSpacing = qRound(QFontMetrics(font).lineSpacing() * 1.1);
    look.systemLineSpacing = qRound(QFontMetrics(look.systemFont).lineSpacing() * 1.1);
    look.daySeparatorHeight = QFontMetrics(look.dayFont).height() + 18;
    look.nameColumnWidth = QFontMetrics(look.nameFont).horizontalAdvance(QStringLiteral("nnnnnnn"));
    // Measured on ordinary text: QFontMetrics::averageCharWidth() is the font's claim, which
    // for proportional fonts is well below what a sentence takes.
    const QString sample =
        QStringLiteral("The quick brown fox jumps over the lazy dog, 1234567890.");
    look.averageCharWidth = QFontMetricsF(font).horizontalAdvance(sample) / sample.size();

    const QColor base = palette.color(QPalette::Active, QPalette::Base);
    const QColor text = palette.color(QPalette::Active, QPalette::Text);
    const QColor highlight = palette.color(QPalette::Active, QPalette::Highlight);
    const bool dark = ColorContrast::luminance(base) < 0.18;
    look.text = text;
    look.mine = withAlpha(highlight, dark ? 30 : 20);
    look.hover = withAlpha(text, dark ? 14 : 10);
    // Timestamps and system lines are small and often italic, and sit on my rows' tint or the
    // hover as often as on the base: readable (WCAG AA) on the busiest of those, not just the
    // base, with a margin for antialiased small text.
    const QColor busiest = ColorContrast::mix(
        ColorContrast::mix(base, look.mine, look.mine.alphaF()), look.hover, look.hover.alphaF());
    look.muted = ColorContrast::readableOn(ColorContrast::mix(text, base, 0.42), busiest, 5.0);
    look.link =
        ColorContrast::readableOn(palette.color(QPalette::Active, QPalette::Link), base, 4.5);
    look.separator = ColorContrast::mix(text, base, dark ? 0.78 : 0.84);
    look.selection = withAlpha(highlight, dark ? 110 : 80);
    // Mentions are warm whatever the theme: the one fixed hue, like every client's highlight.
    look.mention = withAlpha(QColor(255, 170, 0), dark ? 46 : 52);
    look.mentionBar = ColorContrast::readableOn(QColor(235, 140, 0), base, 3.0);

    m_look = look;
    m_hasLook = true;
    m_nameWidths.clear();
    m_authorColors.clear();
    updateTimestampWidth();
    clearLayouts();
}

void MessageDelegate::setWidth(int width)
{
    if (width == m_width)
        return;
    m_width = width;
    clearLayouts();
}

void MessageDelegate::setTimestampFormat(const QString &format)
{
    if (format == m_timestampFormat)
        return;
    m_timestampFormat = format;
    updateTimestampWidth();
    clearLayouts();
}

void MessageDelegate::clearCache()
{
    m_layouts.clear();
    m_rows->clear();
}

void MessageDelegate::clearLayouts()
{
    m_layouts.clear();
    m_rows->forgetLines();
}

void MessageDelegate::updateTimestampWidth()
{
    // The column fits the widest time of the format, so that names and texts line up.
    const QFontMetrics fm(m_look.font);
    int widest = 0;
    for (const QTime time : {QTime(23, 58, 58), QTime(0, 0, 0), QTime(12, 48, 48)}) {
        const QDateTime sample(QDate(2000, 12, 27), time);
        widest = std::max(widest, fm.horizontalAdvance(timestampOf(sample)));
    }
    m_look.timestampWidth = widest;
}

void MessageDelegate::ensureLook(const QStyleOptionViewItem &option) const
{
    // Views other than MessageLogView need not call setLook: the first option tells.
    if (!m_hasLook)
        const_cast<MessageDelegate *>(this)->setLook(option.font, option.palette);
}

int MessageDelegate::layoutWidth(int fallback) const
{
    return m_width > 0 ? m_width : fallback;
}

MessageDelegate::Context MessageDelegate::contextOf(const QModelIndex &index) const
{
    const auto kindOf = [](int type) {
        switch (ChatMessage::Type(type)) {
        case ChatMessage::Type::Message:
        case ChatMessage::Type::Unknown:
            return Kind::Text;
        case ChatMessage::Type::Action:
            return Kind::Action;
        default:
            return Kind::System;
        }
    };
    Context context;
    const int number = index.row();
    qint64 previousMs = 0;
    int previousType = 0;
    QDate previousDay;
    QString previousAuthor;
    if (number > 0) {
        // Copied out: the next row() call may move the table.
        const MessageRowCache::Row &previous = m_rows->row(index.siblingAtRow(number - 1));
        previousMs = previous.ms;
        previousType = previous.type;
        previousDay = previous.day;
        previousAuthor = previous.author;
    }
    const MessageRowCache::Row &row = m_rows->row(index);
    context.key = row.id;
    context.type = row.type;
    context.kind = kindOf(row.type);
    context.author = row.author;
    context.ms = row.ms;
    context.day = row.day;
    if (context.ms == 0)
        return context;
    if (previousMs == 0 || previousDay != context.day) {
        // The first row, or the first of a day, or the first after a gap (Expired).
        context.daySeparator = true;
        return context;
    }
    const Kind previousKind = kindOf(previousType);
    if (context.kind == Kind::Text && previousKind == Kind::Text) {
        const qint64 gap = context.ms - previousMs;
        context.continuation = gap >= 0 && gap < GroupingMs && previousAuthor == context.author;
    } else if (context.kind == Kind::System && previousKind == Kind::System) {
        // A burst of joins and leaves reads as one block.
        context.continuation = true;
    }
    return context;
}

int MessageDelegate::nameWidthOf(const QString &author) const
{
    auto it = m_nameWidths.constFind(author);
    if (it == m_nameWidths.cend()) {
        if (m_nameWidths.size() > 5000)
            m_nameWidths.clear();
        const QFontMetricsF fm(m_look.nameFont);
        it = m_nameWidths.insert(author, int(std::ceil(fm.horizontalAdvance(displayName(author)))));
    }
    return *it;
}

MessageDelegate::Placement MessageDelegate::placementOf(const Context &context,
                                                        const QRect &rowRect) const
{
    Placement placement;
    int y = rowRect.top();
    if (context.daySeparator) {
        placement.daySeparator =
            QRect(rowRect.left(), y, rowRect.width(), m_look.daySeparatorHeight);
        y += m_look.daySeparatorHeight;
    }
    placement.message = QRect(rowRect.left(), y, rowRect.width(), rowRect.bottom() - y + 1);
    placement.lineTop = y + (context.continuation ? ContinuationTopPadding : GroupTopPadding);

    const int width = layoutWidth(rowRect.width());
    placement.timestampX = rowRect.left() + LeftPadding;
    placement.nameX = placement.timestampX + m_look.timestampWidth + TimestampGap;
    placement.bodyX = placement.nameX;
    if (context.kind == Kind::Text) {
        // Long names are cut so that the text keeps most of the width.
        const int maxNameWidth = std::max(60, width * 28 / 100);
        placement.nameWidth = std::min(nameWidthOf(context.author), maxNameWidth);
        // Short names share one column, so that most texts start at the same x; longer
        // ones push their text along rather than being cut.
        placement.bodyX +=
            std::min(std::max(placement.nameWidth, m_look.nameColumnWidth), maxNameWidth) + NameGap;
    }
    placement.bodyWidth =
        std::max(MinBodyWidth, rowRect.left() + width - RightPadding - placement.bodyX);
    return placement;
}

int MessageDelegate::lineSpacingOf(Kind kind) const
{
    return kind == Kind::System ? m_look.systemLineSpacing : m_look.lineSpacing;
}

const QFont &MessageDelegate::bodyFontOf(Kind kind) const
{
    switch (kind) {
    case Kind::Action:
        return m_look.actionFont;
    case Kind::System:
        return m_look.systemFont;
    case Kind::Text:
        break;
    }
    return m_look.font;
}

MessageDelegate::Body MessageDelegate::bodyOf(const Context &context,
                                              const QModelIndex &index) const
{
    Body body;
    const auto addLinks = [&body, this](const QString &part, int offset) {
        for (const LinkFinder::Link &link : LinkFinder::find(part)) {
            body.links.append({offset + link.start, link.length, link.url});
            QTextLayout::FormatRange range;
            range.start = offset + link.start;
            range.length = link.length;
            range.format.setForeground(m_look.link);
            range.format.setFontUnderline(true);
            body.formats.append(range);
        }
    };

    QString cutOff;
    const QString text = shownText(index.data(MessageLogModel::TextRole).toString(), &cutOff);
    // Isolated: a right-to-left name must not reorder the words around it.
    const QString name = DisplayText::isolated(displayName(context.author));
    switch (ChatMessage::Type(context.type)) {
    case ChatMessage::Type::Message:
    case ChatMessage::Type::Unknown:
        body.text = text;
        addLinks(text, 0);
        if (!cutOff.isEmpty()) {
            body.cutAt = MaxDisplayChars;
            body.cutOff = cutOff;
        }
        break;
    case ChatMessage::Type::Action: {
        const QString prefix = QStringLiteral("* ") + name + QLatin1Char(' ');
        body.text = prefix + text;
        addLinks(text, int(prefix.size()));
        if (!cutOff.isEmpty()) {
            body.cutAt = int(prefix.size()) + MaxDisplayChars;
            body.cutOff = cutOff;
        }
        break;
    }
    case ChatMessage::Type::Join:
        body.text = tr("→ %1 joined").arg(name);
        break;
    case ChatMessage::Type::Leave:
        body.text = tr("← %1 left").arg(name);
        break;
    case ChatMessage::Type::Topic:
        body.text = tr("%1 set the topic to: %2").arg(name, DisplayText::isolated(text));
        // Names never hold "://" (NameRule), so links found are the topic's.
        addLinks(body.text, 0);
        break;
    case ChatMessage::Type::Nick:
        body.text = tr("%1 is now known as %2").arg(name, DisplayText::isolated(oneLine(text)));
        break;
    case ChatMessage::Type::Expired:
        body.text = tr("Older messages expired");
        break;
    case ChatMessage::Type::RolledBack:
        body.text = oneLine(text);
        break;
    case ChatMessage::Type::NewMessages:
        body.text = tr("New messages");
        break;
    }

    const auto delivery =
        index.data(MessageLogModel::DeliveryRole).value<MessageLogModel::Delivery>();
    if (delivery == MessageLogModel::Delivery::Sending) {
        // Not on the server yet: greyed until it comes back, as chat clients show it.
        QTextLayout::FormatRange range;
        range.start = 0;
        range.length = int(body.text.size());
        range.format.setForeground(m_look.muted);
        body.formats.prepend(range);
    }
    QString problem = index.data(MessageLogModel::ProblemRole).toString();
    if (problem.isEmpty() && delivery == MessageLogModel::Delivery::Sending)
        problem = tr("sending…");
    if (!problem.isEmpty()) {
        body.noteStart = int(body.text.size());
        const bool warn = delivery != MessageLogModel::Delivery::Sending;
        body.text += (warn ? QStringLiteral("  ⚠ ") : QStringLiteral("  ")) + oneLine(problem);
        QTextLayout::FormatRange range;
        range.start = body.noteStart;
        range.length = int(body.text.size()) - body.noteStart;
        range.format.setFont(m_look.noteFont);
        // A message of mine that did not go out must not be missed; other notes are quiet.
        range.format.setForeground(
            delivery == MessageLogModel::Delivery::Failed ? ColorContrast::readableOn(
                QColor(0xd9, 0x3f, 0x3f), m_look.palette.color(QPalette::Base), 4.5)
                                                          : m_look.muted);
        body.formats.append(range);
    }
    return body;
}

int MessageDelegate::estimatedLines(const Body &body, Kind kind, int width) const
{
    // Shaping text is what laying it out costs, so rows off screen are not shaped: a line
    // that fits even if every character were the font's widest is one line for sure, and
    // longer ones are estimated from the average character width. The rows the view shows
    // are laid out for real (ensureLaidOut), and it corrects itself when an estimate was off.
    const QFontMetricsF fm(bodyFontOf(kind));
    const qreal widest = std::max<qreal>(fm.maxWidth(), 1);
    const qreal average = std::max<qreal>(m_look.averageCharWidth, 1);
    const int end = body.noteStart >= 0 ? body.noteStart : int(body.text.size());
    int lines = 0;
    int start = 0;
    while (true) {
        int stop = int(body.text.indexOf(QChar::LineSeparator, start));
        const bool last = stop < 0 || stop >= end;
        if (last)
            stop = end;
        qsizetype length = stop - start;
        if (last && body.noteStart >= 0)
            length += body.text.size() - body.noteStart;
        if (length * widest <= width)
            lines += 1;
        else
            lines += std::max(1, int(std::ceil(length * average / width)));
        if (last)
            break;
        start = stop + 1;
    }
    return std::max(lines, 1);
}

int MessageDelegate::linesOf(const Context &context, const QModelIndex &index) const
{
    const int known = m_rows->row(index).lines;
    if (known > 0)
        return known;
    const Placement placement = placementOf(context, QRect(0, 0, layoutWidth(0), 0));
    const int lines = estimatedLines(bodyOf(context, index), context.kind, placement.bodyWidth);
    m_rows->row(index).lines = lines;
    return lines;
}

int MessageDelegate::rowHeight(const Context &context, int lines) const
{
    return (context.daySeparator ? m_look.daySeparatorHeight : 0)
        + (context.continuation ? ContinuationTopPadding : GroupTopPadding)
        + lines * lineSpacingOf(context.kind) + BottomPadding;
}

MessageLayout *MessageDelegate::layoutOf(const Context &context, const QModelIndex &index,
                                         bool *heightChanged) const
{
    MessageLayout *layout = m_layouts.object(context.key);
    if (!layout) {
        const Body body = bodyOf(context, index);
        const Placement placement = placementOf(context, QRect(0, 0, layoutWidth(0), 0));
        layout = new MessageLayout(body.text, bodyFontOf(context.kind), body.formats, body.links,
                                   placement.bodyWidth, lineSpacingOf(context.kind));
        ++m_layoutsBuilt;
        m_layouts.insert(context.key, layout);
    }
    const int lines = std::max(1, layout->lineCount());
    MessageRowCache::Row &row = m_rows->row(index);
    if (heightChanged)
        *heightChanged = row.lines > 0 && row.lines != lines;
    row.lines = lines;
    row.exactLines = true;
    return layout;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    ensureLook(option);
    const Context context = contextOf(index);
    // The width is the view's to decide (QListView stretches rows to its viewport).
    return QSize(1, rowHeight(context, linesOf(context, index)));
}

bool MessageDelegate::ensureLaidOut(const QModelIndex &index) const
{
    if (!m_hasLook || !index.isValid())
        return false;
    if (m_rows->isStale(index))
        return true;
    bool changed = false;
    layoutOf(contextOf(index), index, &changed);
    return changed;
}

void MessageDelegate::requestRelayout(const QModelIndex &index) const
{
    // Found while painting: the view must not re-lay its rows from inside its paint event.
    if (m_relayoutRequested)
        return;
    m_relayoutRequested = true;
    auto *self = const_cast<MessageDelegate *>(this);
    QMetaObject::invokeMethod(
        self,
        [self, row = QPersistentModelIndex(index)] {
            self->m_relayoutRequested = false;
            Q_EMIT self->sizeHintChanged(row);
        },
        Qt::QueuedConnection);
}

QColor MessageDelegate::authorColor(const QString &author) const
{
    auto it = m_authorColors.constFind(author);
    if (it == m_authorColors.cend()) {
        if (m_authorColors.size() > 5000)
            m_authorColors.clear();
        it = m_authorColors.insert(author, AuthorColors::colorFor(author, m_look.palette));
    }
    return *it;
}

QString MessageDelegate::timestampOf(const QDateTime &time) const
{
    return QLatin1Char('[') + QLocale().toString(time, m_timestampFormat) + QLatin1Char(']');
}

QString MessageDelegate::timestampText(const QModelIndex &index) const
{
    const QDateTime time = index.data(MessageLogModel::TimeRole).toDateTime();
    if (!time.isValid() || isGap(index.data(MessageLogModel::TypeRole).toInt()))
        return {};
    return timestampOf(time);
}

QString MessageDelegate::dayLabel(const QDate &day) const
{
    const QDate today = QDate::currentDate();
    if (day == today)
        return tr("Today");
    if (day == today.addDays(-1))
        return tr("Yesterday");
    return QLocale().toString(day, QLocale::LongFormat);
}

void MessageDelegate::paintDaySeparator(QPainter *painter, const QRect &rect,
                                        const QDate &day) const
{
    const QString label = dayLabel(day);
    const QFontMetrics fm(m_look.dayFont);
    const int labelWidth = fm.horizontalAdvance(label);
    const int gap = 12;
    const QRect labelRect(rect.center().x() - labelWidth / 2, rect.top(), labelWidth,
                          rect.height());
    const int y = rect.top() + rect.height() / 2;
    painter->setPen(QPen(m_look.separator, 1));
    painter->drawLine(rect.left() + LeftPadding, y, labelRect.left() - gap, y);
    painter->drawLine(labelRect.right() + gap, y, rect.right() - RightPadding, y);
    painter->setFont(m_look.dayFont);
    painter->setPen(m_look.muted);
    painter->drawText(labelRect, Qt::AlignCenter, label);
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    ensureLook(option);
    const bool stale = m_rows->isStale(index);
    const Context context = contextOf(index);
    bool heightChanged = false;
    const MessageLayout *layout = layoutOf(context, index, &heightChanged);
    if (heightChanged || stale)
        requestRelayout(index);
    const Placement placement = placementOf(context, option.rect);

    painter->save();
    painter->setClipRect(option.rect);
    painter->setRenderHint(QPainter::TextAntialiasing);
    if (context.daySeparator)
        paintDaySeparator(painter, placement.daySeparator, context.day);

    const QRect &message = placement.message;
    const bool selected = option.state & QStyle::State_Selected;
    const bool mention = index.data(MessageLogModel::MentionRole).toBool();
    const bool mine = index.data(MessageLogModel::MineRole).toBool();
    if (mention)
        painter->fillRect(message, m_look.mention);
    else if (mine)
        painter->fillRect(message, m_look.mine);
    if (selected)
        painter->fillRect(message, m_look.selection);
    else if (option.state & QStyle::State_MouseOver)
        painter->fillRect(message, m_look.hover);
    if (mention)
        painter->fillRect(QRect(message.left(), message.top(), MentionBarWidth, message.height()),
                          m_look.mentionBar);

    TextSelection::Range selection;
    if (m_textSelection)
        selection = m_textSelection->rangeIn(StreamId::parse(context.key).value_or(StreamId()));
    // Running on into the next message from this one's start: "[12:01] <alice> " is copied
    // with the text, so it is highlighted with it.
    const bool prefixSelected = context.ms != 0 && !selection.isEmpty() && selection.from == 0
        && m_textSelection->spansMessages();
    if (prefixSelected)
        paintSelectedPrefix(painter, context, placement);
    const QColor highlightedText =
        m_look.palette.color(QPalette::Active, QPalette::HighlightedText);

    const int baseline = placement.lineTop + qRound(layout->firstBaseline());
    if (context.ms != 0 && !isGap(context.type)) {
        painter->setFont(context.kind == Kind::System ? m_look.systemTimestampFont : m_look.font);
        painter->setPen(prefixSelected ? highlightedText : m_look.muted);
        painter->drawText(QPoint(placement.timestampX, baseline),
                          timestampOf(QDateTime::fromMSecsSinceEpoch(context.ms)));
    }
    if (context.kind == Kind::Text && !context.continuation) {
        painter->setFont(m_look.nameFont);
        painter->setPen(prefixSelected                 ? highlightedText
                            : context.author.isEmpty() ? m_look.muted
                                                       : authorColor(context.author));
        const QString name =
            QFontMetrics(m_look.nameFont)
                .elidedText(displayName(context.author), Qt::ElideRight, placement.nameWidth);
        painter->drawText(QPoint(placement.nameX, baseline), name);
    }

    switch (context.kind) {
    case Kind::Text:
        painter->setPen(m_look.text);
        break;
    case Kind::Action:
        painter->setPen(authorColor(context.author));
        break;
    case Kind::System:
        painter->setPen(m_look.muted);
        break;
    }
    const bool newMessages = context.type == int(ChatMessage::Type::NewMessages);
    if (newMessages)
        painter->setPen(m_look.mentionBar);
    const QPointF origin = layoutOrigin(context, placement, *layout);
    if (isGap(context.type)) {
        // A gap in the log rather than a message: centred between dashed rules (solid and in
        // the accent colour for where the unread messages begin).
        const int x = int(origin.x());
        const int width = int(std::ceil(layout->naturalWidth()));
        const int y = placement.lineTop + lineSpacingOf(context.kind) / 2;
        painter->save();
        painter->setPen(newMessages ? QPen(m_look.mentionBar, 1)
                                    : QPen(m_look.separator, 1, Qt::DashLine));
        painter->drawLine(message.left() + LeftPadding, y, x - 12, y);
        painter->drawLine(x + width + 12, y, message.right() - RightPadding, y);
        painter->restore();
    }
    if (selection.isEmpty()) {
        layout->draw(painter, origin);
    } else {
        layout->draw(painter, origin, selection.from, selection.to,
                     m_look.palette.color(QPalette::Active, QPalette::Highlight), highlightedText);
    }
    painter->restore();
}

QPointF MessageDelegate::layoutOrigin(const Context &context, const Placement &placement,
                                      const MessageLayout &layout) const
{
    if (isGap(context.type)) {
        const QRect &message = placement.message;
        const int width = int(std::ceil(layout.naturalWidth()));
        return QPointF(message.left() + (message.width() - width) / 2, placement.lineTop);
    }
    return QPointF(placement.bodyX, placement.lineTop);
}

void MessageDelegate::paintSelectedPrefix(QPainter *painter, const Context &context,
                                          const Placement &placement) const
{
    // One band from the timestamp to the text, which the text's own highlight continues.
    const QRect band(placement.timestampX, placement.lineTop,
                     placement.bodyX - placement.timestampX, lineSpacingOf(context.kind));
    painter->fillRect(band, m_look.palette.color(QPalette::Active, QPalette::Highlight));
}

QUrl MessageDelegate::linkAt(const QModelIndex &index, const QRect &rowRect,
                             const QPoint &pos) const
{
    if (!m_hasLook || !index.isValid())
        return {};
    const Context context = contextOf(index);
    const MessageLayout *layout = layoutOf(context, index);
    const Placement placement = placementOf(context, rowRect);
    return layout->linkAt(QPointF(pos) - layoutOrigin(context, placement, *layout));
}

bool MessageDelegate::isOnAuthor(const QModelIndex &index, const QRect &rowRect,
                                 const QPoint &pos) const
{
    if (!m_hasLook || !index.isValid())
        return false;
    const Context context = contextOf(index);
    if (context.kind != Kind::Text || context.continuation || context.author.isEmpty())
        return false;
    const Placement placement = placementOf(context, rowRect);
    const QRect name(placement.nameX, placement.lineTop, placement.nameWidth,
                     lineSpacingOf(context.kind));
    return name.contains(pos);
}

QList<QRect> MessageDelegate::linkRects(const QModelIndex &index, const QRect &rowRect) const
{
    QList<QRect> rects;
    if (!m_hasLook || !index.isValid())
        return rects;
    const Context context = contextOf(index);
    const MessageLayout *layout = layoutOf(context, index);
    const Placement placement = placementOf(context, rowRect);
    const QPointF origin = layoutOrigin(context, placement, *layout);
    for (int i = 0; i < layout->links().size(); ++i)
        rects.append(layout->linkRect(i).translated(origin).toAlignedRect());
    return rects;
}

int MessageDelegate::cursorAt(const QModelIndex &index, const QRect &rowRect,
                              const QPoint &pos) const
{
    if (!m_hasLook || !index.isValid())
        return 0;
    const Context context = contextOf(index);
    const MessageLayout *layout = layoutOf(context, index);
    const Placement placement = placementOf(context, rowRect);
    if (pos.y() < placement.message.top())
        return 0;
    if (pos.y() > rowRect.bottom())
        return int(layout->text().size());
    return layout->cursorAt(QPointF(pos) - layoutOrigin(context, placement, *layout));
}

QRect MessageDelegate::cursorRect(const QModelIndex &index, const QRect &rowRect, int cursor) const
{
    if (!m_hasLook || !index.isValid())
        return {};
    const Context context = contextOf(index);
    const MessageLayout *layout = layoutOf(context, index);
    const Placement placement = placementOf(context, rowRect);
    const QRectF rect =
        layout->cursorRect(cursor).translated(layoutOrigin(context, placement, *layout));
    return QRect(qRound(rect.x()), qRound(rect.y()), 1, qRound(rect.height()));
}

std::pair<int, int> MessageDelegate::wordAt(const QModelIndex &index, const QRect &rowRect,
                                            const QPoint &pos) const
{
    if (!m_hasLook || !index.isValid())
        return {0, 0};
    const Context context = contextOf(index);
    const MessageLayout *layout = layoutOf(context, index);
    const Placement placement = placementOf(context, rowRect);
    const QPointF inLayout = QPointF(pos) - layoutOrigin(context, placement, *layout);
    return layout->wordAt(layout->cursorAt(inLayout, QTextLine::CursorOnCharacter));
}

QString MessageDelegate::selectedText(const QModelIndex &index, int from, int to, bool *whole) const
{
    if (whole)
        *whole = false;
    if (!index.isValid())
        return {};
    // From the model, not the layout: copying many rows must not lay them all out.
    const Body body = bodyOf(contextOf(index), index);
    const int length = int(body.text.size());
    from = std::clamp(from, 0, length);
    to = std::clamp(to, from, length);
    if (whole)
        *whole = from == 0 && to == length;
    if (body.cutAt >= from && body.cutAt < to) {
        return withNewlines(body.text.mid(from, body.cutAt - from) + body.cutOff
                            + body.text.mid(body.cutAt + 1, to - body.cutAt - 1));
    }
    return withNewlines(body.text.mid(from, to - from));
}

QString MessageDelegate::layoutText(const QModelIndex &index) const
{
    if (!m_hasLook || !index.isValid())
        return {};
    return layoutOf(contextOf(index), index)->text();
}

} // namespace Confab
