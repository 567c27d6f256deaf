// Plain-text tables for CLI output (migrate status/history, mail list).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace basalt {

// Left-aligned columns separated by two spaces; the last column is not padded.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

}  // namespace basalt
