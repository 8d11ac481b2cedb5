#include "FuzzyFilterModel.h"

#include <QStringView>

#include <algorithm>
#include <climits>
#include <vector>

namespace Confab {

namespace {

// Score weights. Their order of magnitude encodes the ranking rules: the prefix bonus dwarfs
// everything, a word-start hit is worth more than continuing a run, and gaps cost a little so
// that of two scattered matches the tighter one wins.
constexpr int MatchPoints = 16;
constexpr int WordStartBonus = 24;
constexpr int ConsecutiveBonus = 16;
constexpr int GapOpenPenalty = 3;
constexpr int GapExtendPenalty = 1;
constexpr int PrefixBonus = 1000;
constexpr int Impossible = INT_MIN / 4;

QStringView withoutSigil(QStringView text)
{
    if (!text.isEmpty() && (text.front() == u'#' || text.front() == u'@'))
        text = text.mid(1);
    return text;
}

// Simple (one code unit to one code unit) case folding, so positions in the folded string are
// positions in the original. Surrogates are left alone: names compare exactly there.
QString folded(QStringView text)
{
    QString result(text.size(), Qt::Uninitialized);
    for (qsizetype i = 0; i < text.size(); ++i)
        result[i] = text.at(i).isSurrogate() ? text.at(i) : text.at(i).toCaseFolded();
    return result;
}

bool isWordStart(QStringView name, qsizetype i)
{
    if (i == 0)
        return true;
    const QChar previous = name.at(i - 1);
    const QChar current = name.at(i);
    if (!previous.isLetterOrNumber())
        return current.isLetterOrNumber(); // after '-', '_', '.', ' '...
    return previous.isLower() && current.isUpper(); // camelCase
}

} // namespace

FuzzyFilterModel::FuzzyFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Sorting is always on; lessThan() falls back to the source order when there is no filter.
    sort(0, Qt::AscendingOrder);
}

void FuzzyFilterModel::setFilterText(const QString &text)
{
    if (text == m_filterText)
        return;
    m_filterText = text;
    m_filtering = !withoutSigil(QStringView(text).trimmed()).isEmpty();
    m_scores.clear();
    // invalidate(), not invalidateFilter(): the order depends on the filter too.
    invalidate();
    Q_EMIT filterTextChanged(text);
}

void FuzzyFilterModel::setNameRole(int role)
{
    if (role == m_nameRole)
        return;
    m_nameRole = role;
    m_scores.clear();
    invalidate();
}

int FuzzyFilterModel::score(const QString &filter, const QString &name)
{
    const QString pattern = folded(withoutSigil(QStringView(filter).trimmed()));
    if (pattern.isEmpty())
        return 0;
    const QStringView original = withoutSigil(name);
    const QString text = folded(original);
    const qsizetype m = pattern.size();
    const qsizetype n = text.size();
    if (m > n)
        return -1;

    // Cheap rejection first: most rows of a long list do not match at all.
    qsizetype next = 0;
    for (qsizetype i = 0; i < n && next < m; ++i) {
        if (text.at(i) == pattern.at(next))
            ++next;
    }
    if (next < m)
        return -1;

    // Best alignment by dynamic programming over (pattern position, name position), like fzf:
    // a greedy left-to-right match would take the 'g' of "big-engine" and miss better ones.
    // previous[j] = best score with pattern[0..i] matched and pattern[i] at text[j].
    std::vector<int> previous(size_t(n), Impossible);
    std::vector<int> current(size_t(n), Impossible);
    auto charScore = [&](qsizetype j) {
        return MatchPoints + (isWordStart(original, j) ? WordStartBonus : 0);
    };
    for (qsizetype j = 0; j < n; ++j) {
        if (text.at(j) == pattern.at(0))
            previous[size_t(j)] = charScore(j);
    }
    for (qsizetype i = 1; i < m; ++i) {
        // Best of previous[k] - GapExtend * (j - k - 2) over k <= j - 2, kept as a running
        // maximum of previous[k] + GapExtend * k to stay linear per row.
        int bestGapBase = Impossible;
        std::fill(current.begin(), current.end(), Impossible);
        for (qsizetype j = 1; j < n; ++j) {
            if (j >= 2 && previous[size_t(j - 2)] > Impossible)
                bestGapBase =
                    std::max(bestGapBase, previous[size_t(j - 2)] + GapExtendPenalty * int(j - 2));
            if (text.at(j) != pattern.at(i))
                continue;
            int best = Impossible;
            if (previous[size_t(j - 1)] > Impossible)
                best = previous[size_t(j - 1)] + ConsecutiveBonus;
            if (bestGapBase > Impossible)
                best = std::max(best, bestGapBase - GapExtendPenalty * int(j - 2) - GapOpenPenalty);
            if (best > Impossible)
                current[size_t(j)] = best + charScore(j);
        }
        std::swap(previous, current);
    }
    int result = *std::max_element(previous.cbegin(), previous.cend());
    if (result <= Impossible)
        return -1; // cannot happen after the subsequence check
    if (text.startsWith(pattern))
        result += PrefixBonus;
    return result;
}

QString FuzzyFilterModel::nameOf(const QModelIndex &sourceIndex) const
{
    return sourceIndex.data(m_nameRole).toString();
}

int FuzzyFilterModel::cachedScore(const QString &name) const
{
    auto it = m_scores.constFind(name);
    if (it == m_scores.cend())
        it = m_scores.insert(name, score(m_filterText, name));
    return *it;
}

bool FuzzyFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_filtering)
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return cachedScore(nameOf(index)) >= 0;
}

bool FuzzyFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (m_filtering) {
        const QString leftName = nameOf(left);
        const QString rightName = nameOf(right);
        const int leftScore = cachedScore(leftName);
        const int rightScore = cachedScore(rightName);
        if (leftScore != rightScore)
            return leftScore > rightScore;
        if (leftName.size() != rightName.size())
            return leftName.size() < rightName.size();
    }
    return left.row() < right.row();
}

} // namespace Confab
