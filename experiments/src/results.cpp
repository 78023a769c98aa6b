#include "snncosim/experiments/results.h"

#include <algorithm>

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

// What a value is, for messages: the JSON text, cut short.
std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

// The value at a dotted path ("accuracy.integer"), or nullptr when a part is missing.
const json* find_path(const json& root, const std::string& path) {
  const json* p = &root;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    const std::string key = path.substr(start, dot - start);
    if (!p->is_object() || !p->contains(key)) return nullptr;
    p = &(*p)[key];
    start = dot + 1;
  }
  return p;
}

void require_number(const json& root, const std::string& path, const fs::path& file, bool required) {
  const json* v = find_path(root, path);
  if (v == nullptr) {
    if (required) throw bad_input(fmt::format("{}: \"{}\" is missing", file.string(), path));
    return;
  }
  if (!v->is_number())
    throw bad_input(fmt::format("{}: \"{}\" must be a number, not {}", file.string(), path, shown(*v)));
}

// The report, the selection and explore read these fields as numbers; a file that lacks one
// or holds text there would give a report with empty columns, so it is refused instead.
void check_metrics(const json& m, const fs::path& file) {
  if (!m.is_object()) throw bad_input(fmt::format("{}: not a metrics object (got {})", file.string(), shown(m)));
  for (const char* key : {"accuracy.float", "accuracy.integer", "time_steps", "spikes_per_sample"})
    require_number(m, key, file, true);
  const json* simulated = find_path(m, "simulated");
  if (simulated == nullptr) throw bad_input(fmt::format("{}: \"simulated\" is missing", file.string()));
  if (!simulated->is_boolean())
    throw bad_input(fmt::format("{}: \"simulated\" must be true or false, not {}", file.string(), shown(*simulated)));
  const bool sim = simulated->get<bool>();
  for (const char* key : {"latency.cycles", "latency.us", "energy_uj"}) require_number(m, key, file, sim);
  for (const char* key : {"throughput.samples_per_s", "memory_traffic.reads_per_sample",
                          "memory_traffic.writes_per_sample", "accuracy.prediction_agreement"})
    require_number(m, key, file, false);
  for (const char* group : {"latency.phases", "training.firing_rates"}) {
    const json* g = find_path(m, group);
    if (g == nullptr) continue;
    if (!g->is_object()) throw bad_input(fmt::format("{}: \"{}\" must be an object, not {}", file.string(), group, shown(*g)));
    for (const auto& [k, v] : g->items()) require_number(m, std::string(group) + "." + k, file, true);
  }
  const json* layers = find_path(m, "layers");
  if (layers == nullptr) throw bad_input(fmt::format("{}: \"layers\" is missing", file.string()));
  if (!layers->is_array()) throw bad_input(fmt::format("{}: \"layers\" must be a list, not {}", file.string(), shown(*layers)));
  for (std::size_t i = 0; i < layers->size(); ++i) {
    const json& l = (*layers)[i];
    const std::string at = fmt::format("layers[{}]", i);
    if (!l.is_object() || !l.contains("name") || !l["name"].is_string())
      throw bad_input(fmt::format("{}: \"{}\" needs a \"name\" (text)", file.string(), at));
    for (const char* key : {"neurons", "spikes_per_sample", "sparsity", "cycles"})
      if (l.contains(key) && !l[key].is_number())
        throw bad_input(fmt::format("{}: \"{}.{}\" must be a number, not {}", file.string(), at, key, shown(l[key])));
  }
}

}  // namespace

point_record load_point(const fs::path& run_dir) {
  point_record p;
  p.id = run_dir.filename().string();
  p.metrics = read_json(run_dir / "metrics.json");
  check_metrics(p.metrics, run_dir / "metrics.json");
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
    p.seed = root["seed"].as<long long>(-1);
    p.num_classes = root["network"]["num_classes"].as<int>(0);
  }
  return p;
}

std::vector<point_record> load_results(const fs::path& dir) {
  std::vector<point_record> out;
  if (fs::exists(dir / "sweep.json")) {
    const fs::path file = dir / "sweep.json";
    const json sweep = read_json(file);
    if (!sweep.is_object() || !sweep.contains("points") || !sweep["points"].is_array())
      throw bad_input(fmt::format("{}: \"points\" (a list) is missing", file.string()));
    for (std::size_t i = 0; i < sweep["points"].size(); ++i) {
      const json& pt = sweep["points"][i];
      if (!pt.is_object() || !pt.contains("id") || !pt["id"].is_string() || pt["id"].get<std::string>().empty() ||
          pt["id"].get<std::string>().find('/') != std::string::npos)
        throw bad_input(fmt::format("{}: \"points[{}].id\" must be a folder name under points/", file.string(), i));
      if (pt.contains("label") && !pt["label"].is_string())
        throw bad_input(fmt::format("{}: \"points[{}].label\" must be text", file.string(), i));
      if (pt.contains("settings"))
        for (const auto& [k, v] : pt["settings"].items())
          if (!v.is_string())
            throw bad_input(fmt::format("{}: \"points[{}].settings.{}\" must be text", file.string(), i, k));
      const fs::path pdir = dir / "points" / pt["id"].get<std::string>();
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
