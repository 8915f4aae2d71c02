#include "common/Error.h"

namespace ss {

namespace {
std::string formatLocation(const std::string& file, int line, int column, const std::string& problem)
{
    std::string text = file.empty() ? std::string("<input>") : file;
    if (line > 0) {
        text += ':' + std::to_string(line);
        if (column > 0)
            text += ':' + std::to_string(column);
    }
    return text + ": " + problem;
}
} // namespace

InputError::InputError(std::string file, int line, int column, const std::string& problem)
    : std::runtime_error(formatLocation(file, line, column, problem))
    , m_file(std::move(file))
    , m_line(line)
    , m_column(column)
    , m_problem(problem)
{
}

} // namespace ss
