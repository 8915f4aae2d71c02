#include "data/CsvReader.h"

#include "common/Error.h"
#include "data/Gzip.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>

namespace ss {

namespace {

struct Field {
    std::string text;  // unquoted, unescaped; surrounding spaces of unquoted cells removed
    int line = 0;      // where the field starts
    bool quoted = false;
};

std::string_view trim(std::string_view text)
{
    const auto isSpace = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

// A cell as it may be shown in a message: short and without control characters.
std::string quoteForMessage(std::string_view text)
{
    std::string shown;
    for (char c : text.substr(0, 40))
        shown += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    if (text.size() > 40)
        shown += "...";
    return "'" + shown + "'";
}

// Strict UTF-8: no overlong forms, no surrogates, nothing beyond U+10FFFF. Returns the byte
// offset of the first bad sequence, or npos.
std::size_t invalidUtf8At(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
        const unsigned char c = byte(i);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF; // the allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) length = 2;
        else if (c == 0xE0) { length = 3; low = 0xA0; }
        else if (c == 0xED) { length = 3; high = 0x9F; }
        else if (c >= 0xE1 && c <= 0xEF) length = 3;
        else if (c == 0xF0) { length = 4; low = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) length = 4;
        else if (c == 0xF4) { length = 4; high = 0x8F; }
        else return i;
        if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high)
            return i;
        for (std::size_t k = 2; k < length; ++k)
            if ((byte(i + k) & 0xC0) != 0x80)
                return i;
        i += length;
    }
    return std::string_view::npos;
}

void requireUtf8(std::string_view text, const std::string& source, int line, int column, const std::string& what)
{
    // A stray NUL or other control byte would make "0" and "0\0" two classes that look alike;
    // tabs and line ends are text in quoted cells.
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            char code[8];
            std::snprintf(code, sizeof code, "0x%02X", c);
            throw InputError(source, line, column, what + " holds the control character " + std::string(code)
                                                       + " (byte " + std::to_string(i + 1) + " of the cell)");
        }
    }
    const std::size_t at = invalidUtf8At(text);
    if (at != std::string_view::npos)
        throw InputError(source, line, column, what + " is not valid UTF-8 (byte " + std::to_string(at + 1)
                                                   + " of the cell); save the file as UTF-8");
}

void requireSize(std::string_view text, const std::string& source)
{
    if (text.size() > kMaxCsvBytes)
        throw InputError(source, 0, 0, std::to_string(text.size()) + " bytes of CSV text is more than the "
                                           + std::to_string(kMaxCsvBytes >> 20) + " MiB we read");
}

std::string delimiterName(char delimiter)
{
    return delimiter == '\t' ? "tab" : std::string("'") + delimiter + "'";
}

// Splits CSV text into records of fields, one record per call.
class CsvTokenizer {
public:
    CsvTokenizer(std::string_view text, char delimiter, const std::string& source)
        : m_text(text), m_delimiter(delimiter), m_source(source)
    {
    }

    // The next non-blank record into `fields` (resized to its field count, strings reused).
    bool next(std::vector<Field>& fields, std::size_t& count)
    {
        for (;;) {
            if (m_position >= m_text.size())
                return false;
            count = 0;
            readRecord(fields, count);
            // A line holding nothing but spaces is blank, not a one-field record.
            const bool blank = count == 1 && !fields[0].quoted && fields[0].text.empty();
            if (!blank)
                return true;
        }
    }

private:
    void readRecord(std::vector<Field>& fields, std::size_t& count)
    {
        for (;;) {
            if (count == kMaxCsvColumns)
                throw InputError(m_source, m_line, 0, "more than " + std::to_string(kMaxCsvColumns)
                                                          + " columns in one row (the limit for CSV files we read)");
            if (count == fields.size())
                fields.emplace_back();
            Field& field = fields[count++];
            field.text.clear();
            field.line = m_line;
            field.quoted = false;
            readField(field, static_cast<int>(count));
            if (m_position < m_text.size() && m_text[m_position] == m_delimiter) {
                ++m_position;
                continue;
            }
            consumeLineEnd();
            return;
        }
    }

    void readField(Field& field, int column)
    {
        // Spaces before an opening quote are allowed.
        std::size_t start = m_position;
        while (start < m_text.size() && m_text[start] == ' ')
            ++start;
        if (start < m_text.size() && m_text[start] == '"') {
            m_position = start + 1;
            field.quoted = true;
            readQuoted(field, column);
            return;
        }
        const std::size_t end = m_text.find_first_of(m_stops, m_position);
        const std::size_t stop = end == std::string_view::npos ? m_text.size() : end;
        field.text.assign(trim(m_text.substr(m_position, stop - m_position)));
        m_position = stop;
    }

    void readQuoted(Field& field, int column)
    {
        const int openLine = m_line;
        for (;;) {
            const std::size_t quote = m_text.find('"', m_position);
            if (quote == std::string_view::npos)
                throw InputError(m_source, openLine, column, "unterminated quoted field: the closing '\"' is missing");
            const std::string_view piece = m_text.substr(m_position, quote - m_position);
            field.text.append(piece);
            countLines(piece);
            m_position = quote + 1;
            if (m_position < m_text.size() && m_text[m_position] == '"') {
                field.text.push_back('"'); // "" inside quotes is one quote
                ++m_position;
                continue;
            }
            break;
        }
        while (m_position < m_text.size() && m_text[m_position] == ' ')
            ++m_position;
        if (m_position < m_text.size()) {
            const char c = m_text[m_position];
            if (c != m_delimiter && c != '\n' && c != '\r')
                throw InputError(m_source, m_line, column,
                                 "unexpected " + quoteForMessage(std::string_view(&m_text[m_position], 1))
                                     + " after the closing quote of a quoted field");
        }
    }

    void countLines(std::string_view piece)
    {
        for (std::size_t i = 0; i < piece.size(); ++i) {
            if (piece[i] == '\n' || (piece[i] == '\r' && (i + 1 >= piece.size() || piece[i + 1] != '\n')))
                ++m_line;
        }
    }

    void consumeLineEnd()
    {
        if (m_position >= m_text.size())
            return;
        if (m_text[m_position] == '\r')
            ++m_position;
        if (m_position < m_text.size() && m_text[m_position] == '\n')
            ++m_position;
        ++m_line;
    }

    std::string_view m_text;
    char m_delimiter;
    const std::string& m_source;
    char m_stops[4] = {m_delimiter, '\r', '\n', '\0'};
    std::size_t m_position = 0;
    int m_line = 1;
};

enum class NumberStatus { Ok, NotANumber, NotFinite, OutOfRange, Empty };

NumberStatus parseNumber(std::string_view text, double& value)
{
    text = trim(text);
    if (text.empty())
        return NumberStatus::Empty;
    // from_chars does not take a leading '+', people write one.
    if (text.front() == '+' && text.size() > 1 && text[1] != '-' && text[1] != '+')
        text.remove_prefix(1);
    const char* end = text.data() + text.size();
    const auto [pointer, error] = std::from_chars(text.data(), end, value, std::chars_format::general);
    if (pointer != end || error == std::errc::invalid_argument)
        return NumberStatus::NotANumber;
    if (error == std::errc::result_out_of_range)
        return NumberStatus::OutOfRange;
    if (!std::isfinite(value))
        return NumberStatus::NotFinite;
    if (std::abs(value) > static_cast<double>(std::numeric_limits<Scalar>::max()))
        return NumberStatus::OutOfRange;
    return NumberStatus::Ok;
}

bool looksNumeric(std::string_view text)
{
    double value = 0.0;
    const NumberStatus status = parseNumber(text, value);
    return status == NumberStatus::Ok || status == NumberStatus::NotFinite || status == NumberStatus::OutOfRange;
}

// Shortest text that reads back as the value: "1" for 1.0, "0.25", "1e+20".
std::string formatNumber(double value)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::string stemOf(const std::string& source)
{
    std::filesystem::path path(source);
    std::string name = path.filename().string();
    for (const char* suffix : {".gz", ".csv", ".tsv", ".txt"}) {
        const std::string s(suffix);
        if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0)
            name.resize(name.size() - s.size());
    }
    return name.empty() ? source : name;
}

std::string_view stripBom(std::string_view text, const std::string& source)
{
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB
        && static_cast<unsigned char>(text[2]) == 0xBF)
        return text.substr(3);
    if (text.size() >= 2
        && ((static_cast<unsigned char>(text[0]) == 0xFF && static_cast<unsigned char>(text[1]) == 0xFE)
            || (static_cast<unsigned char>(text[0]) == 0xFE && static_cast<unsigned char>(text[1]) == 0xFF)))
        throw InputError(source, 1, 1, "the file is UTF-16 text; save it as UTF-8 (or plain ASCII) CSV");
    return text;
}

struct LabelColumn {
    std::size_t index = 0;
    bool header = false;
};

bool isIndexSpec(std::string_view spec)
{
    return !spec.empty() && spec.size() <= 9 && std::all_of(spec.begin(), spec.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string listColumns(const std::vector<Field>& first, std::size_t count)
{
    std::string names;
    for (std::size_t j = 0; j < count && j < 20; ++j)
        names += (j ? ", " : "") + quoteForMessage(first[j].text);
    if (count > 20)
        names += ", ...";
    return names;
}

LabelColumn resolveLabelColumn(const std::vector<Field>& first, std::size_t count, const CsvOptions& options,
                               const std::string& source)
{
    const std::string_view spec = trim(options.labelColumn);
    const int line = first[0].line;
    std::optional<std::size_t> named;
    if (!spec.empty()) {
        for (std::size_t j = 0; j < count; ++j)
            if (first[j].text == spec) {
                named = j;
                break;
            }
    }
    const bool byIndex = isIndexSpec(spec);
    // Digits are an index for header detection ("1" in "1,a,10" is a value, not a name);
    // a header cell spelled exactly so still wins once the header is known.
    std::size_t guess = count - 1;
    if (byIndex && std::stoul(std::string(spec)) < count)
        guess = std::stoul(std::string(spec));
    else if (named)
        guess = *named;

    LabelColumn result;
    switch (options.header) {
    case CsvOptions::Header::Present: result.header = true; break;
    case CsvOptions::Header::Absent: result.header = false; break;
    case CsvOptions::Header::Detect: {
        result.header = named && !byIndex;
        for (std::size_t j = 0; j < count && !result.header; ++j)
            result.header = j != guess && !first[j].text.empty() && !looksNumeric(first[j].text);
        break;
    }
    }

    if (spec.empty()) {
        result.index = count - 1;
    } else if (result.header && named) {
        result.index = *named;
    } else if (byIndex) {
        result.index = std::stoul(std::string(spec));
        if (result.index >= count)
            throw InputError(source, line, 0, "label column " + std::string(spec) + " does not exist: rows have "
                                                  + std::to_string(count) + " columns (indices 0.."
                                                  + std::to_string(count - 1) + ")");
    } else if (result.header) {
        throw InputError(source, line, 0, "label column " + quoteForMessage(spec) + " not found in the header ("
                                              + listColumns(first, count) + ")");
    } else {
        throw InputError(source, line, 0, "label column " + quoteForMessage(spec)
                                              + " not found: the file has no header row; give the label column as a "
                                                "0-based index");
    }
    return result;
}

// Counts delimiters per physical line outside quotes, for the first lines.
std::vector<std::array<int, 3>> delimiterCounts(std::string_view text, std::size_t maxLines)
{
    static constexpr char candidates[3] = {'\t', ';', ','};
    std::vector<std::array<int, 3>> lines;
    std::array<int, 3> counts{0, 0, 0};
    bool inQuotes = false;
    bool lineHasContent = false;
    for (std::size_t i = 0; i < text.size() && lines.size() < maxLines; ++i) {
        const char c = text[i];
        if (c == '"') {
            inQuotes = !inQuotes;
            lineHasContent = true;
        } else if (!inQuotes && (c == '\n' || c == '\r')) {
            if (lineHasContent)
                lines.push_back(counts);
            counts = {0, 0, 0};
            lineHasContent = false;
        } else {
            if (c != ' ')
                lineHasContent = true;
            if (!inQuotes)
                for (int k = 0; k < 3; ++k)
                    counts[k] += c == candidates[k];
        }
    }
    if (lineHasContent && lines.size() < maxLines)
        lines.push_back(counts);
    return lines;
}

} // namespace

char detectCsvDelimiter(std::string_view text)
{
    static constexpr char candidates[3] = {'\t', ';', ','}; // tie order: tab, ';', ','
    const auto lines = delimiterCounts(text, 20);
    if (lines.empty())
        return ',';
    int best = -1;
    int bestCount = 0;
    for (int k = 0; k < 3; ++k) {
        const int count = lines.front()[k];
        const bool consistent = count > 0 && std::all_of(lines.begin(), lines.end(), [&](const auto& l) { return l[k] == count; });
        if (consistent && count > bestCount) {
            best = k;
            bestCount = count;
        }
    }
    if (best >= 0)
        return candidates[best];
    // No delimiter splits every line alike (a ragged file): take the commonest on line 1,
    // so that the ragged row is what gets reported.
    for (int k = 0; k < 3; ++k)
        if (lines.front()[k] > bestCount) {
            best = k;
            bestCount = lines.front()[k];
        }
    return best >= 0 ? candidates[best] : ',';
}

Dataset readCsvText(std::string_view text, const std::string& sourceName, const CsvOptions& options)
{
    const std::string& source = sourceName;
    requireSize(text, source);
    text = stripBom(text, source);
    if (trim(text).find_first_not_of("\r\n \t") == std::string_view::npos)
        throw InputError(source, 1, 0, "empty file: no rows");
    const char delimiter = options.delimiter ? options.delimiter : detectCsvDelimiter(text);
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
        throw ConfigError("CSV delimiter cannot be a quote or a line end");

    CsvTokenizer tokenizer(text, delimiter, source);
    std::vector<Field> fields;
    std::size_t count = 0;
    if (!tokenizer.next(fields, count))
        throw InputError(source, 1, 0, "empty file: no rows");
    const std::size_t columns = count;
    const int firstLine = fields[0].line;
    if (columns < 2)
        throw InputError(source, firstLine, 0, "only one column (delimiter " + delimiterName(delimiter)
                                                   + "): a dataset needs feature columns and a label column, "
                                                     "separated by ',', ';' or tab");

    const LabelColumn label = resolveLabelColumn(fields, columns, options, source);
    const std::size_t featureCount = columns - 1;

    Dataset data;
    data.name = stemOf(source);
    std::vector<std::string> columnNames(columns);
    if (label.header)
        for (std::size_t j = 0; j < columns; ++j)
            requireUtf8(fields[j].text, source, fields[j].line, static_cast<int>(j + 1), "the header cell");
    for (std::size_t j = 0; j < columns; ++j)
        columnNames[j] = label.header && !fields[j].text.empty() ? fields[j].text : "column " + std::to_string(j + 1);
    for (std::size_t j = 0; j < columns; ++j)
        if (j != label.index)
            data.featureNames.push_back(columnNames[j]);
    const auto describe = [&](std::size_t j) {
        return "column " + std::to_string(j + 1) + (label.header ? " (" + quoteForMessage(columnNames[j]) + ")" : "");
    };

    std::vector<Scalar> values;
    std::vector<int> rawLabels;                       // index into labelTexts
    std::vector<std::string> labelTexts;              // distinct, in order of first appearance
    std::unordered_map<std::string, int> labelIds;
    int firstDataLine = 0;
    int lastLine = firstLine;

    bool haveRecord = !label.header;  // without a header the first record is data
    for (;;) {
        if (!haveRecord) {
            if (!tokenizer.next(fields, count))
                break;
        }
        haveRecord = false;
        const int line = fields[0].line;
        lastLine = line;
        if (firstDataLine == 0)
            firstDataLine = line;
        if (count != columns)
            throw InputError(source, line, static_cast<int>(std::min(count, columns) + 1),
                             "ragged row: " + std::to_string(count) + " columns, expected " + std::to_string(columns)
                                 + " (as in line " + std::to_string(firstLine) + ")");
        for (std::size_t j = 0; j < columns; ++j) {
            const Field& field = fields[j];
            const int column = static_cast<int>(j + 1);
            if (j == label.index) {
                const std::string_view labelText = trim(field.text);
                if (labelText.empty())
                    throw InputError(source, field.line, column, "empty label cell in " + describe(j));
                const auto [it, inserted] = labelIds.try_emplace(std::string(labelText), static_cast<int>(labelTexts.size()));
                if (inserted) {
                    requireUtf8(labelText, source, field.line, column, "the label");
                    labelTexts.emplace_back(labelText);
                }
                rawLabels.push_back(it->second);
                continue;
            }
            double value = 0.0;
            switch (parseNumber(field.text, value)) {
            case NumberStatus::Ok: break;
            case NumberStatus::Empty:
                throw InputError(source, field.line, column, "empty cell in " + describe(j));
            case NumberStatus::NotFinite:
                throw InputError(source, field.line, column, "NaN or infinity " + quoteForMessage(field.text) + " in "
                                                                 + describe(j) + ": every value must be finite");
            case NumberStatus::OutOfRange:
                throw InputError(source, field.line, column, "number " + quoteForMessage(field.text) + " in "
                                                                 + describe(j) + " is outside the float range");
            case NumberStatus::NotANumber: {
                std::string hint;
                if (delimiter != ',' && field.text.find(',') != std::string::npos)
                    hint = " (write decimals with a point, not a comma)";
                throw InputError(source, field.line, column, "not a number: " + quoteForMessage(field.text) + " in "
                                                                 + describe(j) + hint);
            }
            }
            values.push_back(static_cast<Scalar>(value));
        }
    }
    if (rawLabels.empty())
        throw InputError(source, lastLine + 1, 0, "header only: no data rows after the header on line "
                                                     + std::to_string(firstLine));

    ClassCoding coding = codeClasses(labelTexts);
    const std::vector<int>& classOf = coding.classOf;
    std::vector<std::string>& classNames = coding.classNames;
    const int labelColumnNumber = static_cast<int>(label.index + 1);
    if (classNames.size() < 2)
        throw InputError(source, firstDataLine, labelColumnNumber,
                         "only one class (" + quoteForMessage(classNames.front()) + ") in the label " + describe(label.index)
                             + ": a classifier needs at least two");
    if (static_cast<int>(classNames.size()) > options.maxClasses)
        throw InputError(source, firstDataLine, labelColumnNumber,
                         std::to_string(classNames.size()) + " distinct values in the label " + describe(label.index)
                             + " (at most " + std::to_string(options.maxClasses)
                             + " classes): is it really the class label?");

    const std::size_t sampleCount = rawLabels.size();
    data.labels.resize(sampleCount);
    for (std::size_t i = 0; i < sampleCount; ++i)
        data.labels[i] = classOf[static_cast<std::size_t>(rawLabels[i])];
    data.classNames = std::move(classNames);
    // Row-major rows of features are exactly the columns of a column-major matrix.
    data.features = Eigen::Map<const Matrix>(values.data(), static_cast<Eigen::Index>(featureCount),
                                             static_cast<Eigen::Index>(sampleCount));
    return data;
}

ClassCoding codeClasses(const std::vector<std::string>& labelTexts)
{
    ClassCoding coding;
    coding.classOf.resize(labelTexts.size());
    std::vector<double> numeric(labelTexts.size());
    const bool allNumeric = std::all_of(labelTexts.begin(), labelTexts.end(), [&, k = std::size_t(0)](const std::string& t) mutable {
        return parseNumber(t, numeric[k++]) == NumberStatus::Ok;
    });
    if (allNumeric) {
        std::map<double, int> classByValue;
        for (double v : numeric)
            classByValue.emplace(v == 0.0 ? 0.0 : v, 0); // -0 and 0 are one class
        int next = 0;
        for (auto& [value, id] : classByValue) {
            id = next++;
            coding.classNames.push_back(formatNumber(value));
        }
        for (std::size_t k = 0; k < labelTexts.size(); ++k)
            coding.classOf[k] = classByValue.at(numeric[k] == 0.0 ? 0.0 : numeric[k]);
    } else {
        std::vector<std::size_t> order(labelTexts.size());
        for (std::size_t k = 0; k < order.size(); ++k)
            order[k] = k;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return labelTexts[a] < labelTexts[b]; });
        for (std::size_t rank = 0; rank < order.size(); ++rank) {
            coding.classOf[order[rank]] = static_cast<int>(rank);
            coding.classNames.push_back(labelTexts[order[rank]]);
        }
    }
    return coding;
}

CsvTable readCsvTableText(std::string_view text, const std::string& source, char delimiter)
{
    requireSize(text, source);
    text = stripBom(text, source);
    if (trim(text).find_first_not_of("\r\n \t") == std::string_view::npos)
        throw InputError(source, 1, 0, "empty file: no rows");
    CsvTable table;
    table.delimiter = delimiter ? delimiter : detectCsvDelimiter(text);
    if (table.delimiter == '"' || table.delimiter == '\n' || table.delimiter == '\r')
        throw ConfigError("CSV delimiter cannot be a quote or a line end");
    CsvTokenizer tokenizer(text, table.delimiter, source);
    std::vector<Field> fields;
    std::size_t count = 0;
    while (tokenizer.next(fields, count)) {
        const int line = fields[0].line;
        if (!table.rows.empty() && count != table.rows.front().size())
            throw InputError(source, line, static_cast<int>(std::min(count, table.rows.front().size()) + 1),
                             "ragged row: " + std::to_string(count) + " columns, expected "
                                 + std::to_string(table.rows.front().size()) + " (as in line "
                                 + std::to_string(table.lines.front()) + ")");
        std::vector<std::string> row(count);
        for (std::size_t j = 0; j < count; ++j) {
            // Every cell may become a class name in the caller's JSON output.
            requireUtf8(fields[j].text, source, fields[j].line, static_cast<int>(j + 1), "the cell");
            row[j] = std::string(trim(fields[j].text));
        }
        table.rows.push_back(std::move(row));
        table.lines.push_back(line);
    }
    if (table.rows.empty())
        throw InputError(source, 1, 0, "empty file: no rows");
    return table;
}

CsvTable readCsvTableFile(const std::string& path, char delimiter)
{
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        throw InputError(path, 0, 0, "is a folder, not a CSV file");
    const Bytes bytes = readMaybeGzippedFile(path, kMaxCsvBytes);
    return readCsvTableText(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path, delimiter);
}

Dataset readCsvFile(const std::string& path, const CsvOptions& options)
{
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        throw InputError(path, 0, 0, "is a folder, not a CSV file");
    const Bytes bytes = readMaybeGzippedFile(path, kMaxCsvBytes);
    return readCsvText(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path, options);
}

} // namespace ss
