#include "common/JsonReader.h"

#include "common/Error.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ss {

namespace {

// 1-based line and column of a byte offset, for JSON syntax errors.
void lineAndColumn(const std::string& text, std::size_t byte, int& line, int& column)
{
    line = 1;
    column = 1;
    const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
}

// Rejects nesting beyond kMaxJsonDepth with the line and column of the first bracket too
// many, scanning the text without recursion (strings and their escapes skipped).
void checkNestingDepth(const std::string& text, const std::string& source)
{
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth) {
                int line = 0;
                int column = 0;
                lineAndColumn(text, i + 1, line, column);
                throw InputError(source, line, column, "nested deeper than " + std::to_string(kMaxJsonDepth)
                                                           + " levels (the limit for JSON files we read)");
            }
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

// nlohmann's messages start "[json.exception.parse_error.101] parse error at line 1, column 5: ...";
// we give the position ourselves.
std::string withoutPrefix(const std::string& reason)
{
    const auto colon = reason.find(": ");
    if (colon != std::string::npos)
        return reason.substr(colon + 2);
    const auto bracket = reason.find("] ");
    return bracket != std::string::npos ? reason.substr(bracket + 2) : reason;
}

} // namespace

JsonReader::JsonReader(std::string fileName)
    : m_fileName(std::move(fileName))
{
}

void JsonReader::fail(const std::string& path, const std::string& problem) const
{
    throw InputError(m_fileName, 0, 0, (path.empty() ? std::string("(top level)") : path) + ": " + problem);
}

const JsonReader::Json& JsonReader::field(const Json& object, const std::string& key, const std::string& path) const
{
    if (!object.is_object())
        fail(path, std::string("expected an object, got ") + describe(object));
    const auto found = object.find(key);
    if (found == object.end())
        fail(join(path, key), "missing");
    return *found;
}

const JsonReader::Json* JsonReader::optionalField(const Json& object, const std::string& key) const
{
    if (!object.is_object())
        return nullptr;
    const auto found = object.find(key);
    return found == object.end() || found->is_null() ? nullptr : &*found;
}

const JsonReader::Json& JsonReader::object(const Json& value, const std::string& path) const
{
    if (!value.is_object())
        fail(path, std::string("expected an object, got ") + describe(value));
    return value;
}

long JsonReader::integer(const Json& value, const std::string& path, long minimum, long maximum) const
{
    if (!value.is_number_integer())
        fail(path, std::string("expected an integer, got ") + describe(value));
    // Unsigned values beyond long's range would wrap in get<long>().
    if (value.is_number_unsigned() && value.get<unsigned long>() > static_cast<unsigned long>(maximum))
        fail(path, "must be in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "], got "
                       + value.dump());
    const long number = value.get<long>();
    if (number < minimum || number > maximum)
        fail(path, "must be in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "], got "
                       + std::to_string(number));
    return number;
}

double JsonReader::number(const Json& value, const std::string& path, double minimum, double maximum) const
{
    if (!value.is_number())
        fail(path, std::string("expected a number, got ") + describe(value));
    const double number = value.get<double>();
    if (!std::isfinite(number))
        fail(path, "expected a finite number, got " + value.dump());
    if (number < minimum || number > maximum) {
        std::ostringstream text;
        text << "must be in [" << minimum << ", " << maximum << "], got " << value.dump();
        fail(path, text.str());
    }
    return number;
}

bool JsonReader::boolean(const Json& value, const std::string& path) const
{
    if (!value.is_boolean())
        fail(path, std::string("expected true or false, got ") + describe(value));
    return value.get<bool>();
}

std::string JsonReader::string(const Json& value, const std::string& path) const
{
    if (!value.is_string())
        fail(path, std::string("expected a string, got ") + describe(value));
    return value.get<std::string>();
}

float JsonReader::finiteFloat(const Json& value, const std::string& path) const
{
    if (!value.is_number())
        fail(path, std::string("expected a number, got ") + describe(value));
    const double number = value.get<double>();
    const auto single = static_cast<float>(number);
    if (!std::isfinite(number) || !std::isfinite(single))
        fail(path, "expected a finite single-precision number, got " + value.dump());
    return single;
}

const JsonReader::Json& JsonReader::array(const Json& value, const std::string& path, std::size_t size) const
{
    if (!value.is_array())
        fail(path, std::string("expected an array, got ") + describe(value));
    if (size != npos && value.size() != size)
        fail(path, "expected " + std::to_string(size) + " entries, got " + std::to_string(value.size()));
    return value;
}

std::vector<std::string> JsonReader::strings(const Json& value, const std::string& path, std::size_t size) const
{
    array(value, path, size);
    std::vector<std::string> result;
    result.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i)
        result.push_back(string(value[i], index(path, i)));
    return result;
}

std::string JsonReader::choice(const Json& value, const std::string& path, const std::vector<std::string>& choices) const
{
    const std::string text = string(value, path);
    if (std::find(choices.begin(), choices.end(), text) != choices.end())
        return text;
    fail(path, "unknown value '" + excerpt(text) + "' (expected " + listOfChoices(choices) + ")");
}

std::string JsonReader::join(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

std::string JsonReader::index(const std::string& path, std::size_t i)
{
    return path + "[" + std::to_string(i) + "]";
}

std::string JsonReader::excerpt(const std::string& text)
{
    if (text.size() <= kQuoteLength)
        return text;
    std::size_t cut = kQuoteLength - 3;
    // Back up over UTF-8 continuation bytes so that the cut leaves whole characters.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut) + "...";
}

std::string JsonReader::describe(const Json& value)
{
    const std::string type = value.type_name();
    if (value.is_array())
        return type + " of " + std::to_string(value.size()) + (value.size() == 1 ? " entry" : " entries");
    if (value.is_object())
        return type + " with " + std::to_string(value.size()) + (value.size() == 1 ? " member" : " members");
    if (value.is_string()) {
        // Invalid UTF-8 is shown as U+FFFD rather than making dump() throw.
        const std::string shown = Json(excerpt(value.get_ref<const std::string&>()))
                                      .dump(-1, ' ', false, Json::error_handler_t::replace);
        return type + " " + shown;
    }
    return type + " " + value.dump();
}

nlohmann::json parseJsonText(const std::string& text, const std::string& source, const std::string& what)
{
    if (text.size() > kMaxJsonFileBytes)
        throw InputError(source, 0, 0, std::to_string(text.size()) + " bytes is more than the "
                                           + std::to_string(kMaxJsonFileBytes >> 20) + " MiB we read as " + what);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw InputError(source, 0, 0, "empty file (expected " + what + " in JSON)");
    checkNestingDepth(text, source);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        int line = 0;
        int column = 0;
        lineAndColumn(text, error.byte, line, column);
        throw InputError(source, line, column, "not valid JSON: " + withoutPrefix(error.what()));
    } catch (const nlohmann::json::exception& error) {
        // A number too large for a double (1e999) is an out_of_range error without a position.
        throw InputError(source, 0, 0, "not valid JSON: " + withoutPrefix(error.what()));
    }
}

nlohmann::json readJsonFile(const std::string& path, const std::string& what)
{
    std::error_code code;
    if (std::filesystem::exists(path, code) && !std::filesystem::is_regular_file(path, code))
        throw InputError(path, 0, 0, "not a regular file (expected " + what + ")");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path, 0, 0, std::string("cannot open the file: ") + std::strerror(errno));
    // Read at most one byte past the limit, so that a huge file is refused without reading it all.
    std::string text;
    std::array<char, 1 << 16> chunk;
    while (text.size() <= kMaxJsonFileBytes) {
        in.read(chunk.data(), chunk.size());
        if (in.gcount() <= 0)
            break;
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad())
        throw InputError(path, 0, 0, "cannot read the file");
    return parseJsonText(text, path, what);
}

} // namespace ss
