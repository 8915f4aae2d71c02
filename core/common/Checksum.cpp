#include "common/Checksum.h"

#include "common/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace ss {

void Fnv1a64::add(std::string_view bytes)
{
    constexpr std::uint64_t prime = 1099511628211ull;
    std::uint64_t hash = m_hash;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= prime;
    }
    m_hash = hash;
}

std::string Fnv1a64::text() const
{
    char digits[17];
    std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(m_hash));
    return std::string("fnv1a64:") + digits;
}

std::uint64_t fnv1a64(std::string_view bytes)
{
    Fnv1a64 hash;
    hash.add(bytes);
    return hash.value();
}

FileChecksum checksumFiles(const std::vector<std::string>& paths)
{
    Fnv1a64 hash;
    FileChecksum result;
    std::vector<char> block(1 << 16);
    for (const std::string& path : paths) {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw InputError(path, 0, 0, std::string("cannot open the file: ") + std::strerror(errno));
        while (in) {
            in.read(block.data(), static_cast<std::streamsize>(block.size()));
            const auto got = static_cast<std::size_t>(in.gcount());
            hash.add(std::string_view(block.data(), got));
            result.bytes += got;
        }
        if (in.bad())
            throw InputError(path, 0, 0, "read failed while computing its checksum");
    }
    result.text = hash.text();
    return result;
}

} // namespace ss
