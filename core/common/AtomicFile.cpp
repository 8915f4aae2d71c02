#include "common/AtomicFile.h"

#include "common/Error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace ss {

void writeFileAtomically(const std::string& path, const std::string& contents)
{
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    // A random suffix keeps two writers of the same file from sharing a temporary.
    std::random_device entropy;
    const fs::path temporary = folder / (target.filename().string() + ".tmp" + std::to_string(entropy()));
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out)
            throw InputError(path, 0, 0, std::string("cannot write: ") + std::strerror(errno));
        out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
        out.flush();
        if (!out) {
            const std::string reason = std::strerror(errno);
            out.close();
            std::error_code ignored;
            fs::remove(temporary, ignored);
            throw InputError(path, 0, 0, "write failed: " + reason);
        }
    }
    std::error_code error;
    fs::rename(temporary, target, error);
    if (error) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw InputError(path, 0, 0, "cannot replace the file: " + error.message());
    }
}

} // namespace ss
