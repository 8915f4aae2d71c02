#include "common/JsonReader.h"

#include "common/Error.h"

#include <algorithm>
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
        fail(path, "must be in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "], got " + value.dump());
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
    std::string expected;
    for (std::size_t i = 0; i < choices.size(); ++i)
        expected += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
    fail(path, "unknown value '" + text + "' (expected " + expected + ")");
}

std::string JsonReader::join(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

std::string JsonReader::index(const std::string& path, std::size_t i)
{
    return path + "[" + std::to_string(i) + "]";
}

std::string JsonReader::describe(const Json& value)
{
    std::string text = value.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return std::string(value.type_name()) + " " + text;
}

nlohmann::json readJsonFile(const std::string& path, const std::string& what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path, 0, 0, std::string("cannot open the file: ") + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        throw InputError(path, 0, 0, "cannot read the file");
    const std::string text = buffer.str();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw InputError(path, 0, 0, "empty file (expected " + what + " in JSON)");
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        int line = 0;
        int column = 0;
        lineAndColumn(text, error.byte, line, column);
        std::string reason = error.what();
        // nlohmann's message starts "[json.exception.parse_error.101] parse error at line 1, column 5: ...".
        const auto colon = reason.find(": ");
        if (colon != std::string::npos)
            reason = reason.substr(colon + 2);
        throw InputError(path, line, column, "not valid JSON: " + reason);
    }
}

} // namespace ss
