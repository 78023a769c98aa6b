#pragma once
// Files of `snncosim explore --out DIR`: the Pareto front as CSV and gnuplot plots (Pareto
// front; per-layer latency balance of the start point and of the best configuration).
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "snncosim/explore/search.h"

namespace snncosim::explore {

void write_pareto_csv(const std::filesystem::path& path, const std::vector<explore::scored>& front);
// Returns the written plot files (empty when gnuplot is missing or fails; a warning is logged).
nlohmann::json write_plots(const std::filesystem::path& dir, const explore::search_result& res,
                           const nlohmann::json& balance);

}  // namespace snncosim::explore
