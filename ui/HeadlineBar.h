#pragma once
// The strip of big numbers above the views: what a class reads from the back row.

#include "Snapshot.h"

#include <QWidget>

class QLabel;

namespace ss {

class HeadlineBar : public QWidget {
    Q_OBJECT
public:
    explicit HeadlineBar(QWidget* parent = nullptr);
    void showSnapshot(const Snapshot& snapshot);
    // The text of one card's value ("accuracy", "f1", "sparsity", ...) for tests.
    QString value(const QString& card) const;

private:
    struct Card {
        QString id;
        QLabel* value = nullptr;
        QLabel* detail = nullptr;
    };
    void addCard(const QString& id, const QString& caption, const QString& toolTip);
    void setCard(const QString& id, const QString& value, const QString& detail);

    QList<Card> m_cards;
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
