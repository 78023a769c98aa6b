#include "snncosim/export/settings.h"

#include <string>

#include <yaml-cpp/yaml.h>

#include "snncosim/common/config.h"
#include "snncosim/common/error.h"

namespace snncosim::export_ {

quantization_settings quantization_from_yaml(const config::document& doc) {
  quantization_settings s;
  if (!doc.has("quantization")) return s;
  const YAML::Node q = doc.at("quantization");
  auto& w = s.widths;
  w.weight_bits = q["weight_bits"].as<int>();
  if (w.weight_bits != 4 && w.weight_bits != 8 && w.weight_bits != 16)
    throw bad_input(doc.where("quantization.weight_bits") + ": quantization.weight_bits: " +
                    std::to_string(w.weight_bits) + "; expected 4, 8 or 16");
  w.acc_bits = q["acc_bits"].as<int>();
  w.mem_bits = q["mem_bits"].as<int>();
  w.frac_bits = q["frac_bits"].as<int>();
  w.mem_frac_bits = q["mem_frac_bits"].as<int>();
  s.per_channel = q["per_channel"].as<bool>();
  s.input_threshold = q["input_threshold"].as<double>();
  s.qat = q["qat"].as<bool>();
  try {
    numerics::validate(w);
  } catch (const bad_input& e) {
    throw bad_input(doc.where("quantization") + ": quantization: " + e.what());
  }
  return s;
}

}  // namespace snncosim::export_
