#include "snncosim/experiments/results.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/config.h"
#include "snncosim/common/error.h"

namespace snncosim::experiments {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json(const fs::path& file) {
  try {
    return json::parse(read_file(file));
  } catch (const json::parse_error& e) {
    throw bad_input(fmt::format("{}: byte {}: not valid JSON ({})", file.string(), e.byte, e.what()));
  }
}

}  // namespace

point_record load_point(const fs::path& run_dir) {
  point_record p;
  p.id = run_dir.filename().string();
  p.metrics = read_json(run_dir / "metrics.json");
  const fs::path cfg = run_dir / "config.resolved.yaml";
  if (fs::exists(cfg)) {
    // Checked parse: a run folder is user-editable, and aliases could expand without bound.
    const YAML::Node root = config::parse_yaml(read_file(cfg), cfg.string());
    const YAML::Node neuron = root["network"]["neuron"];
    if (neuron) {
      p.neuron_model = neuron["model"].as<std::string>("");
      p.surrogate = neuron["surrogate"]["name"].as<std::string>("");
      const YAML::Node slope = neuron["surrogate"]["params"]["slope"];
      p.slope = slope ? slope.as<double>(0.0) : 0.0;
    }
    p.dataset = root["dataset"]["name"].as<std::string>("");
  }
  return p;
}

std::vector<point_record> load_results(const fs::path& dir) {
  std::vector<point_record> out;
  if (fs::exists(dir / "sweep.json")) {
    const json sweep = read_json(dir / "sweep.json");
    for (const auto& pt : sweep.at("points")) {
      const fs::path pdir = dir / "points" / pt.at("id").get<std::string>();
      if (!fs::exists(pdir / "metrics.json")) continue;
      point_record p = load_point(pdir);
      p.label = pt.value("label", "");
      if (pt.contains("settings"))
        for (const auto& [k, v] : pt["settings"].items()) p.settings[k] = v.get<std::string>();
      out.push_back(std::move(p));
    }
    return out;
  }
  if (fs::exists(dir / "metrics.json")) {
    out.push_back(load_point(dir));
    return out;
  }
  throw bad_input(fmt::format("{}: neither a sweep folder (sweep.json) nor a finished run folder (metrics.json)",
                              dir.string()));
}

}  // namespace snncosim::experiments
