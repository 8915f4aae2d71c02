#pragma once
// The strip of big numbers above the views: what a class reads from the back row.

#include "engine/Snapshot.h"

#include <QWidget>

class QGridLayout;
class QLabel;

namespace ss {

class HeadlineBar : public QWidget {
    Q_OBJECT
public:
    explicit HeadlineBar(QWidget* parent = nullptr);
    void showSnapshot(const Snapshot& snapshot);
    // The text of one card's value ("accuracy", "f1", "sparsity", ...) for tests.
    QString value(const QString& card) const;
    // Its detail line (for binary data the F1 card's names the positive class and its scores).
    QString detail(const QString& card) const;
    // Rows the cards take at the current width (they wrap rather than widen the window).
    int rowCount() const;
    // Caption and number on one line, without the detail line (for short windows).
    void setCompact(bool compact);
    bool isCompact() const { return m_compact; }
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Card {
        QString id;
        QWidget* frame = nullptr;
        QLabel* title = nullptr;
        QLabel* value = nullptr;
        QLabel* detail = nullptr;
    };
    void addCard(const QString& id, const QString& caption, const QString& toolTip);
    void setCard(const QString& id, const QString& value, const QString& detail);
    void applyFonts(const Card& card) const;
    void arrangeCard(const Card& card) const;
    int cardWidth() const;
    int columnsFor(int width) const;
    void reflow(int columns);

    QGridLayout* m_grid = nullptr;
    QList<Card> m_cards;
    int m_columns = 0;
    bool m_compact = false;
};

// A closable coloured message above the views (errors, warnings, a preset's lesson).
class MessageBanner : public QWidget {
    Q_OBJECT
public:
    enum class Kind { Info, Warning, Error };
    explicit MessageBanner(QWidget* parent = nullptr);
    void showMessage(Kind kind, const QString& title, const QString& text);
    QString text() const;
    Kind kind() const { return m_kind; }

private:
    QLabel* m_icon;
    QLabel* m_text;
    Kind m_kind = Kind::Info;
};

} // namespace ss
