#pragma once
// Typed reads from parsed JSON whose errors name the file and the JSON path of the value at
// fault ("session.json: training.optimizer.learning_rate: expected a number, got string
// \"fast\""). Shared by every file format the core reads (models, sessions) so that all of
// them report problems the same way.

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

    const std::string& fileName() const { return m_fileName; }

    static std::string join(const std::string& path, const std::string& key);
    static std::string index(const std::string& path, std::size_t i);
    // The value's type and its (shortened) text, for messages.
    static std::string describe(const Json& value);

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
    std::string m_fileName;
};

// Reads and parses a JSON file. Throws InputError naming the file: cannot open, empty
// (`what` names the expected content, e.g. "a SparseScope session"), or malformed JSON with
// the line and column of the syntax error.
nlohmann::json readJsonFile(const std::string& path, const std::string& what);

} // namespace ss
