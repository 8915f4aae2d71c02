#pragma once
// Labelled datasets from CSV text: one sample per row, one column holding the class label.
//
// Decisions (documented here because users meet them):
// - The delimiter is detected among ',', ';' and tab: the one that splits the first rows
//   into the same number (> 1) of fields, the most fields winning; ties prefer tab, then
//   ';' (files with decimal commas use ';'), then ','.
// - The first row is a header when one of its feature cells is not a number (or when it
//   contains the label column named in the options).
// - Numeric labels become classes in increasing numeric order ("1" and "1.0" are one
//   class, named "1"); when any label is not a number, all are names and the classes are
//   sorted by their UTF-8 bytes, so the class order never depends on the row order.
// - Cells may be quoted ("a ""b"""); quoted fields may span lines. Spaces around cells are
//   ignored. Blank lines are skipped. CRLF, CR and LF line ends and a UTF-8 BOM are fine.
// - Errors are ss::InputError with the source name, the 1-based line and the 1-based
//   column (field number) of the offending cell, or column 0 when a whole row is at fault.
//   A failed read returns nothing and changes nothing.
// - Header names and labels must be UTF-8 (they become class and feature names, shown and
//   saved as JSON); a byte sequence that is not is reported with its line and column.

#include "data/Dataset.h"

#include <string>
#include <string_view>
#include <vector>

namespace ss {

// Limits, checked as the text is read so that a hostile file fails fast and small:
// - kMaxCsvBytes of text (after gunzip): Fashion-MNIST written as CSV is ~130 MB.
// - kMaxCsvColumns per row: each cell costs ~50 bytes while a row is split, so a 20 MB line of
//   "1,1,1,..." would need half a gigabyte; 100,000 columns is a 316x316 image per row
//   (Fashion-MNIST has 785).
inline constexpr std::size_t kMaxCsvBytes = std::size_t(256) << 20;
inline constexpr std::size_t kMaxCsvColumns = 100'000;

struct CsvOptions {
    enum class Header { Detect, Present, Absent };

    std::string labelColumn;          // header name or 0-based index; empty = last column
    Header header = Header::Detect;
    char delimiter = 0;               // 0 = detect among ',', ';' and '\t'
    int maxClasses = 1000;            // more distinct labels than this is refused
};

// `path` may be gzip-compressed (.csv.gz). The dataset is named after the file's stem.
Dataset readCsvFile(const std::string& path, const CsvOptions& options = {});
// `sourceName` names the text in messages and gives the dataset its name.
Dataset readCsvText(std::string_view text, const std::string& sourceName, const CsvOptions& options = {});

// A CSV file as text cells, for callers that interpret the columns themselves (the
// `metrics` command's y_true,y_pred). Same tokenizer, delimiter detection and errors as
// the dataset reader; every row must have the first row's number of cells.
struct CsvTable {
    std::vector<std::vector<std::string>> rows;  // first row included (it may be a header)
    std::vector<int> lines;                      // 1-based line where each row starts
    char delimiter = ',';
};
CsvTable readCsvTableText(std::string_view text, const std::string& sourceName, char delimiter = 0);
CsvTable readCsvTableFile(const std::string& path, char delimiter = 0);

// How label texts become classes, everywhere: numeric labels by value ("1" and "1.0" are
// one class), otherwise names sorted by their UTF-8 bytes. classOf[i] codes distinct[i].
struct ClassCoding {
    std::vector<int> classOf;
    std::vector<std::string> classNames;
};
ClassCoding codeClasses(const std::vector<std::string>& distinctLabelTexts);

// The delimiter the reader would choose for this text.
char detectCsvDelimiter(std::string_view text);

} // namespace ss
