// Session files: JSON parsing (depth and size limits) and every section's reader.
#include "FuzzCommon.h"
#include "common/JsonReader.h"
#include "session/Session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(ss::fuzz::text(data, size));
    ss::fuzz::readOrRefuse([&] {
        const nlohmann::json json = ss::parseJsonText(text, "fuzz-session.json", "a SparseScope session");
        ss::sessionFromJson(json, "fuzz-session.json");
    });
    return 0;
}
