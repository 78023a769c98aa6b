#include "snncosim/sc_models/hardware_config.h"

#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "snncosim/common/error.h"

namespace snncosim::sc_models {

const char* to_string(pipeline_mode m) {
  return m == pipeline_mode::layer_sequential ? "layer_sequential" : "timestep_pipelined";
}

const char* to_string(memory_kind k) {
  switch (k) {
    case memory_kind::bram: return "bram";
    case memory_kind::uram: return "uram";
    case memory_kind::lutram: return "lutram";
    case memory_kind::offchip: return "offchip";
  }
  return "?";
}

namespace {

memory_kind parse_kind(const std::string& s, const std::string& where) {
  if (s == "bram") return memory_kind::bram;
  if (s == "uram") return memory_kind::uram;
  if (s == "lutram") return memory_kind::lutram;
  if (s == "offchip") return memory_kind::offchip;
  throw bad_input(fmt::format("{}: unknown memory kind '{}'; expected bram, uram, lutram or offchip", where, s));
}

// Per-layer key lookup: layers.<name>.<key> when given, else layer_defaults.<key>.
struct layer_lookup {
  const config::document& doc;
  std::string layer;
  std::string path(const std::string& key) const {
    const std::string own = "layers." + layer + "." + key;
    return doc.has(own) ? own : "layer_defaults." + key;
  }
  template <typename T>
  T get(const std::string& key) const {
    return doc.get<T>(path(key));
  }
};

memory_config read_memory(const layer_lookup& l, const std::string& prefix, bool weight) {
  memory_config m;
  m.kind = parse_kind(l.get<std::string>(prefix + ".kind"), l.doc.where(l.path(prefix + ".kind")));
  m.read_latency_cycles = l.get<int>(prefix + ".read_latency_cycles");
  if (weight) {
    m.width_bits = l.get<int>(prefix + ".width_bits");
    m.ports = l.get<int>(prefix + ".ports");
  }
  m.capacity_kib = l.get<double>(prefix + ".capacity_kib");
  return m;
}

}  // namespace

std::int64_t weight_storage_bits(const numerics::quant_layer& l, std::int64_t in_size) {
  const std::int64_t taps = l.kind == numerics::layer_kind::conv ? std::int64_t{l.kernel} * l.kernel : 1;
  return std::int64_t{l.out_channels} * in_size * taps * l.widths.weight_bits;
}

std::int64_t membrane_storage_bits_per_core(const numerics::quant_layer& l, const numerics::tensor_shape& out,
                                            const numerics::tensor_shape& full, int neuron_cores) {
  const std::int64_t passes = (l.out_channels + neuron_cores - 1) / neuron_cores;
  const std::int64_t per_channel = std::int64_t{full.height} * full.width * l.widths.acc_bits +
                                   std::int64_t{out.height} * out.width * l.widths.mem_bits;
  return passes * per_channel;
}

hardware_config resolve_hardware(const config::document& hw, const numerics::quant_model& model) {
  hardware_config h;
  h.name = hw.get<std::string>("name");
  const std::string mode = hw.get<std::string>("pipeline_mode");
  h.mode = mode == "timestep_pipelined" ? pipeline_mode::timestep_pipelined : pipeline_mode::layer_sequential;
  h.clock_mhz = hw.get<double>("clock_mhz");

  const std::vector<numerics::tensor_shape> shapes = numerics::validate(model);
  std::set<std::string> neuron_names;
  for (const auto& l : model.layers)
    if (l.is_neuron_layer()) neuron_names.insert(l.name);
  if (neuron_names.empty()) throw bad_input("model: no conv or linear layer to map onto the accelerator");
  if (hw.has("layers")) {
    for (const auto& entry : hw.at("layers")) {
      const auto name = entry.first.as<std::string>();
      if (neuron_names.count(name) == 0) {
        std::string known;
        for (const auto& n : neuron_names) known += (known.empty() ? "" : ", ") + n;
        throw bad_input(fmt::format("{}: layers.{}: the model has no conv or linear layer of that name; expected one of: {}",
                                    hw.where("layers." + name), name, known));
      }
    }
  }

  numerics::tensor_shape in = model.input;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const auto& l = model.layers[i];
    const numerics::tensor_shape out = shapes[i];
    if (l.is_neuron_layer()) {
      layer_lookup look{hw, l.name};
      layer_hw_config c;
      c.layer_name = l.name;
      c.neuron_cores = look.get<int>("neuron_cores");
      c.penc_width_bits = look.get<int>("penc_width_bits");
      c.weight_memory = read_memory(look, "weight_memory", true);
      c.membrane_memory = read_memory(look, "membrane_memory", false);
      c.spike_read_latency_cycles = look.get<int>("spike_memory.read_latency_cycles");
      c.spike_fifo_depth = look.get<int>("spike_fifo_depth");
      c.router_events_per_cycle = look.get<int>("router_events_per_cycle");
      if (c.neuron_cores > l.out_channels) {
        // Not an error: shipped hardware files give one core count to layers of every width.
        // Cores past the channel count idle (the generated RTL has min(cores, channels) lanes).
        spdlog::warn("{}: layer {}: {} neuron cores for {} output channels; the accelerator uses {} (one core per "
                     "channel)",
                     hw.where(look.path("neuron_cores")), l.name, c.neuron_cores, l.out_channels, l.out_channels);
      }
      if (c.membrane_memory.kind == memory_kind::offchip)
        throw bad_input(fmt::format("{}: membrane memory cannot be off-chip",
                                    hw.where(look.path("membrane_memory.kind"))));
      const std::int64_t wbits =
          weight_storage_bits(l, l.kind == numerics::layer_kind::conv ? std::int64_t{in.channels} : in.size());
      const double wcap = c.weight_memory.capacity_kib * 8192.0;
      if (static_cast<double>(wbits) > wcap)
        throw bad_input(fmt::format(
            "{}: layer {}: weight memory of {} KiB is too small for {} weights of {} bits ({:.1f} KiB); raise "
            "weight_memory.capacity_kib",
            hw.where(look.path("weight_memory.capacity_kib")), l.name, c.weight_memory.capacity_kib,
            wbits / l.widths.weight_bits, l.widths.weight_bits, static_cast<double>(wbits) / 8192.0));
      numerics::tensor_shape full = out;
      if (l.kind == numerics::layer_kind::conv && l.current_pool_kernel != 0)
        full = {l.out_channels, (in.height + 2 * l.padding - l.kernel) / l.stride + 1,
                (in.width + 2 * l.padding - l.kernel) / l.stride + 1};
      const std::int64_t mbits = membrane_storage_bits_per_core(l, out, full, c.neuron_cores);
      const double mcap = c.membrane_memory.capacity_kib * 8192.0;
      if (static_cast<double>(mbits) > mcap)
        throw bad_input(fmt::format(
            "{}: layer {}: membrane memory of {} KiB per core is too small for the {:.1f} KiB of accumulators and "
            "membranes each of its {} neuron cores holds; raise membrane_memory.capacity_kib or neuron_cores",
            hw.where(look.path("membrane_memory.capacity_kib")), l.name, c.membrane_memory.capacity_kib,
            static_cast<double>(mbits) / 8192.0, c.neuron_cores));
      h.layers.push_back(c);
    }
    in = out;
  }
  return h;
}

hardware_config resolve_hardware(const config::document& hw, const config::document& platform,
                                 const numerics::quant_model& model) {
  hardware_config h = resolve_hardware(hw, model);
  if (!(h.clock_mhz > 0)) h.clock_mhz = platform.get<double>("clock_mhz");
  h.platform_name = platform.get<std::string>("name");
  h.energy.pj_per_synaptic_op = platform.get<double>("energy.pj_per_synaptic_op");
  h.energy.pj_per_bram_access = platform.get<double>("energy.pj_per_bram_access");
  h.energy.pj_per_uram_access = platform.get<double>("energy.pj_per_uram_access");
  h.energy.pj_per_offchip_byte = platform.get<double>("energy.pj_per_offchip_byte");
  h.energy.static_w = platform.get<double>("energy.static_w");
  return h;
}

}  // namespace snncosim::sc_models
