#pragma once
// The one table of names of an enum's values, kept beside the enum, from which its toString
// and fromString are written: files, settings and the command line then spell a value the same
// way, and reordering an enum changes no saved name.

#include "common/Error.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ss {

template <typename Enum>
struct EnumName {
    Enum value;
    const char* name;
};

// "a, b or c".
std::string listOfChoices(const std::vector<std::string>& names);

// The table's names in order, for messages and choice lists.
template <typename Enum, std::size_t N>
std::vector<std::string> enumNames(const EnumName<Enum> (&table)[N])
{
    std::vector<std::string> names;
    for (const EnumName<Enum>& entry : table)
        names.emplace_back(entry.name);
    return names;
}

// The name of `value`; ConfigError for a value outside the table (a cast from a bad int).
template <typename Enum, std::size_t N>
std::string enumToString(const EnumName<Enum> (&table)[N], Enum value, const char* what)
{
    for (const EnumName<Enum>& entry : table)
        if (entry.value == value)
            return entry.name;
    throw ConfigError(std::string("invalid ") + what + " value " + std::to_string(static_cast<int>(value)));
}

// The value named `name` (exact spelling); ConfigError "unknown <what> 'x' (expected a, b or c)".
template <typename Enum, std::size_t N>
Enum enumFromString(const EnumName<Enum> (&table)[N], const std::string& name, const char* what)
{
    for (const EnumName<Enum>& entry : table)
        if (name == entry.name)
            return entry.value;
    throw ConfigError(std::string("unknown ") + what + " '" + name + "' (expected " + listOfChoices(enumNames(table))
                      + ")");
}

} // namespace ss
