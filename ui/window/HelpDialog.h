#pragma once
// The help panel: what sparsity, proximal vs naive L1, pruning, quantization, F1 and the
// confusion matrix are, with the source article's worked example computed correctly.

#include <QDialog>
#include <QList>
#include <QPair>
#include <QString>

class QTextBrowser;

namespace ss {

class HelpDialog : public QDialog {
    Q_OBJECT
public:
    // shortcuts: (keys, what they do) for the Shortcuts section; empty: the built-in list.
    explicit HelpDialog(QWidget* parent = nullptr, const QList<QPair<QString, QString>>& shortcuts = {});
    // Scrolls to a section: sparsity, l1, pruning, quantization, metrics, confusion,
    // efficiency, article, shortcuts.
    void showSection(const QString& anchor);
    QString html() const;

private:
    QTextBrowser* m_browser;
};

// The help text as HTML (also used by tests and the README).
QString helpHtml(const QList<QPair<QString, QString>>& shortcuts = {});

} // namespace ss
