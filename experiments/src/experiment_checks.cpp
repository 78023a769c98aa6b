#include "snncosim/experiments/experiment_checks.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "snncosim/common/error.h"
#include "snncosim/experiments/point_hash.h"
#include "snncosim/nn/experiment.h"
#include "snncosim/nn/network_spec.h"

namespace snncosim::experiments {


namespace {

// A point's override is reported at its line in the sweep, so the "--set key=value: " the
// loader puts in front of a message about it is noise.
std::string without_override_prefix(const std::string& msg, const config::override_entry& o) {
  const std::string prefix = "--set " + o.path + "=" + o.value + ": ";
  return msg.rfind(prefix, 0) == 0 ? msg.substr(prefix.size()) : msg;
}

// What nn::check_experiment reads; points that agree on it need one check.
std::string check_key(const config::document& doc) {
  YAML::Node n(YAML::NodeType::Map);
  for (const char* k : {"dataset", "network", "training"}) n[k] = doc.root()[k];
  return canonical_text(n);
}

}  // namespace

std::vector<checked_point> plan_sweep(const std::string& file, const std::vector<config::override_entry>& base,
                                      const config::document& doc, std::vector<std::string>* notes) {
  const auto axes = sweep_axes(doc);
  for (const auto& a : axes) {
    for (std::size_t i = 0; i < a.values.size(); ++i) {
      const config::override_entry o{a.key, a.values[i]};
      auto ov = base;
      ov.push_back(o);
      try {
        (void)config::load(file, ov, "experiment");
      } catch (const bad_input& e) {
        const std::string path = fmt::format("sweep.{}.{}", a.key, i);
        throw bad_input(fmt::format("{}: sweep.{}: value {}: {}", doc.where(path), a.key, a.values[i],
                                    without_override_prefix(e.what(), o)));
      }
    }
  }
  std::vector<checked_point> out;
  std::set<std::string> checked;
  for (const auto& p : expand_grid(axes)) {
    auto ov = base;
    ov.insert(ov.end(), p.overrides.begin(), p.overrides.end());
    try {
      config::document pd = config::load(file, ov, "experiment");
      if (checked.insert(check_key(pd)).second) {
        for (auto& n : nn::check_experiment(pd, notes == nullptr)) {
          if (std::find(notes->begin(), notes->end(), n) == notes->end()) notes->push_back(std::move(n));
        }
      }
      out.push_back({p, std::move(pd)});
    } catch (const bad_input& e) {
      if (axes.empty()) throw;
      // A fault of the experiment itself, not of this point, is reported without the point.
      try {
        nn::check_experiment(doc, notes == nullptr);
      } catch (const bad_input& plain) {
        if (std::string(plain.what()) == e.what()) throw;
      }
      throw bad_input(fmt::format("{}: sweep point {} ({}): {}", doc.where("sweep"), p.index, p.label, e.what()));
    }
  }
  return out;
}

std::vector<std::string> hardware_warnings(const config::document& doc) {
  std::vector<std::string> out;
  if (!doc.has("hardware")) return out;
  const nn::network_spec spec = nn::network_spec_from_yaml(doc, "network.");
  std::map<std::string, int> channels;  // layers that become a layer engine
  std::string known;
  for (const auto& l : spec.layers) {
    if (l.type != nn::layer_type::conv && l.type != nn::layer_type::linear) continue;
    channels[l.name] = l.channels;
    known += (known.empty() ? "" : ", ") + l.name;
  }
  if (doc.has("hardware.layers")) {
    for (const auto& entry : doc.at("hardware.layers")) {
      const std::string name = entry.first.Scalar();
      if (channels.count(name) == 0) {
        throw bad_input(fmt::format("{}: hardware.layers.{}: the network has no conv or linear layer of that name; "
                                    "expected one of: {}",
                                    doc.where("hardware.layers." + name), name, known));
      }
    }
  }
  for (const auto& [name, oc] : channels) {
    const std::string own = "hardware.layers." + name + ".neuron_cores";
    const std::string key = doc.has(own) ? own : "hardware.layer_defaults.neuron_cores";
    const int cores = doc.get<int>(key);
    if (cores > oc) {
      out.push_back(fmt::format("{}: {}: {} neuron cores for layer {} of {} output channels; the accelerator uses {} "
                                "(one core per channel, docs/hardware.md)",
                                doc.where(key), key, cores, name, oc, oc));
    }
  }
  return out;
}

}  // namespace snncosim::experiments
