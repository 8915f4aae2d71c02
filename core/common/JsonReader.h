#pragma once
// Typed reads from parsed JSON whose errors name the file and the JSON path of the value at
// fault ("session.json: training.optimizer.learning_rate: expected a number, got string
// \"fast\""). Shared by every file format the core reads (models, sessions) so that all of
// them report problems the same way.

#include "common/EnumNames.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace ss {

class JsonReader {
public:
    using Json = nlohmann::json;

    explicit JsonReader(std::string fileName);

    // Throws InputError(file, 0, 0, "path: problem").
    [[noreturn]] void fail(const std::string& path, const std::string& problem) const;

    // The member `key` of `object` (which must be an object); "missing" when absent.
    const Json& field(const Json& object, const std::string& key, const std::string& path) const;
    // Null when absent or JSON null.
    const Json* optionalField(const Json& object, const std::string& key) const;

    const Json& object(const Json& value, const std::string& path) const;
    long integer(const Json& value, const std::string& path, long minimum, long maximum) const;
    // Any JSON number that is finite and within [minimum, maximum].
    double number(const Json& value, const std::string& path, double minimum, double maximum) const;
    bool boolean(const Json& value, const std::string& path) const;
    std::string string(const Json& value, const std::string& path) const;
    float finiteFloat(const Json& value, const std::string& path) const;
    // An array; with size != npos it must have exactly that many entries.
    const Json& array(const Json& value, const std::string& path, std::size_t size = npos) const;
    std::vector<std::string> strings(const Json& value, const std::string& path, std::size_t size) const;
    // One of `choices`; otherwise "unknown X 'y' (expected a, b or c)".
    std::string choice(const Json& value, const std::string& path, const std::vector<std::string>& choices) const;
    // One of the names in an enum's table (common/EnumNames.h), as its value.
    template <typename Enum, std::size_t N>
    Enum enumChoice(const Json& value, const std::string& path, const EnumName<Enum> (&table)[N]) const
    {
        return enumFromString(table, choice(value, path, enumNames(table)), "value");
    }

    const std::string& fileName() const { return m_fileName; }

    static std::string join(const std::string& path, const std::string& key);
    static std::string index(const std::string& path, std::size_t i);
    // The value's type and a short excerpt, for messages: never the whole of a large or deeply
    // nested value (arrays and objects are described by their size, strings cut short).
    static std::string describe(const Json& value);
    // At most kQuoteLength bytes of user text, cut on a UTF-8 boundary, "..." marking a cut.
    static std::string excerpt(const std::string& text);

    // Messages quote this much of a bad value: enough to recognise it, never a whole file.
    static constexpr std::size_t kQuoteLength = 40;

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
    std::string m_fileName;
};

// Nesting deeper than this is refused before parsing: nlohmann's dump, copy and comparison
// recurse once per level, so 50,000 nested arrays overflow the stack. Our formats nest at most
// 7 levels (session > model > layers > layer > weights > row > entry); the free-form `app` and
// `metadata` sections hold a few more. 64 leaves room for both and for hand-written files.
inline constexpr int kMaxJsonDepth = 64;
// Larger JSON files are refused before parsing. A parsed value costs nlohmann ~16 bytes and a
// number is ~2 bytes of text at the least, so a file of this size may need 8x as much memory.
// The largest files we write (a 784-512-512-10 network with masks, ~10 MB; a session with its
// embedded 1 MiB CSV) stay far below it.
inline constexpr std::size_t kMaxJsonFileBytes = std::size_t(64) << 20;

// Parses JSON text from `source`. Throws InputError naming it: empty (`what` names the
// expected content, e.g. "a SparseScope session"), too large, nested too deeply, or malformed
// JSON (number overflow such as 1e999 included) with the line and column of the problem.
nlohmann::json parseJsonText(const std::string& text, const std::string& source, const std::string& what);
// Reads and parses a JSON file (parseJsonText); also "cannot open" and "not a regular file".
nlohmann::json readJsonFile(const std::string& path, const std::string& what);

} // namespace ss
