#pragma once
// The help panel: what sparsity, proximal vs naive L1, pruning, quantization, F1 and the
// confusion matrix are, with the source article's worked example computed correctly.

#include <QDialog>

class QTextBrowser;

namespace ss {

class HelpDialog : public QDialog {
    Q_OBJECT
public:
    explicit HelpDialog(QWidget* parent = nullptr);
    // Scrolls to a section: sparsity, l1, pruning, quantization, metrics, confusion,
    // efficiency, article, shortcuts.
    void showSection(const QString& anchor);
    QString html() const;

private:
    QTextBrowser* m_browser;
};

// The help text as HTML (also used by tests and the README).
QString helpHtml();

} // namespace ss
