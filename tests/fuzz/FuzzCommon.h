#pragma once
// Shared by the libFuzzer targets: a reader may refuse its input with the errors it
// documents (InputError, ConfigError); anything else escaping it, a crash, a sanitizer
// report, a hang or an allocation beyond libFuzzer's -rss_limit_mb is a finding.

#include "common/Error.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ss::fuzz {

template <typename Read>
int readOrRefuse(Read&& read)
{
    try {
        read();
    } catch (const InputError& error) {
        // A refusal must say where: the source is always named.
        if (error.file().empty())
            __builtin_trap();
    } catch (const ConfigError&) {
    }
    return 0;
}

inline std::string_view text(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

} // namespace ss::fuzz
