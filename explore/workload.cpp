#include "snncosim/explore/workload.h"

#include <stdexcept>

#include "snncosim/sc_models/hardware_config.h"
#include "snncosim/sc_models/layer_engine.h"

namespace snncosim::explore {

namespace nx = numerics;

std::vector<engine_shape> engine_shapes(const nx::quant_model& model) {
  const std::vector<nx::tensor_shape> shapes = nx::validate(model);
  std::vector<engine_shape> out;
  nx::tensor_shape in = model.input;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const nx::quant_layer& l = model.layers[i];
    if (l.is_neuron_layer()) {
      engine_shape e;
      e.name = l.name;
      e.kind = l.kind;
      e.layer = &l;
      e.out_channels = l.out_channels;
      e.weight_bits = l.widths.weight_bits;
      const sc_models::engine_geometry g = sc_models::engine_geometry_of(model, shapes, i);
      e.out = g.core.out;
      e.full = g.core.full;
      e.positions = e.out.height * e.out.width;
      e.frames = g.frames;
      e.frame_bits = g.frame_bits;
      if (l.kind == nx::layer_kind::conv) {
        e.taps = l.kernel * l.kernel;
        e.pool_reads = l.current_pool_kernel > 0 ? l.current_pool_kernel * l.current_pool_kernel : 1;
        e.weight_storage_bits = sc_models::weight_storage_bits(l, in.channels);
      } else {
        e.weight_storage_bits = sc_models::weight_storage_bits(l, in.size());
      }
      out.push_back(std::move(e));
    }
    in = shapes[i];
  }
  return out;
}

namespace {

// Valid kernel taps of an input coordinate along one dimension (taps outside the
// accumulator grid are bubbles: they take their cycle but reach no neuron).
std::vector<int> valid_taps_1d(int in_size, int full_size, int k, int pad, int stride) {
  std::vector<int> v(static_cast<std::size_t>(in_size), 0);
  for (int i = 0; i < in_size; ++i)
    for (int kk = 0; kk < k; ++kk) {
      const int n = i + pad - kk;
      if (n >= 0 && n % stride == 0 && n / stride < full_size) ++v[static_cast<std::size_t>(i)];
    }
  return v;
}

}  // namespace

sample_activity extract_activity(const nx::quant_model& model, const std::vector<engine_shape>& shapes,
                                 const nx::inference_result& run) {
  sample_activity s;
  s.steps = run.num_steps;
  const auto T = static_cast<std::size_t>(run.num_steps);
  std::size_t e = 0;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const nx::quant_layer& l = model.layers[i];
    if (!l.is_neuron_layer()) continue;
    const engine_shape& sh = shapes.at(e);
    const nx::spike_record& in = i == 0 ? run.input : run.layers[i - 1];
    const nx::spike_record& out = run.layers[i];
    engine_activity a;
    a.frame_spikes.assign(T * static_cast<std::size_t>(sh.frames), 0);
    a.valid_taps.assign(T, 0);
    a.out_spikes.resize(T);
    const auto frame_bits = static_cast<std::size_t>(sh.frame_bits);
    if (in.spikes.size() != T * static_cast<std::size_t>(sh.frames) * frame_bits)
      throw std::invalid_argument("extract_activity: input record of " + l.name + " has the wrong size");
    std::vector<int> vy, vx;
    if (l.kind == nx::layer_kind::conv) {
      vy = valid_taps_1d(in.shape.height, sh.full.height, l.kernel, l.padding, l.stride);
      vx = valid_taps_1d(in.shape.width, sh.full.width, l.kernel, l.padding, l.stride);
    }
    const int in_w = in.shape.width;
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t f = 0; f < static_cast<std::size_t>(sh.frames); ++f) {
        const std::uint8_t* bits = in.spikes.data() + (t * static_cast<std::size_t>(sh.frames) + f) * frame_bits;
        std::uint32_t n = 0;
        std::uint64_t taps = 0;
        for (std::size_t b = 0; b < frame_bits; ++b) {
          if (bits[b] == 0) continue;
          ++n;
          if (l.kind == nx::layer_kind::conv)
            taps += static_cast<std::uint64_t>(vy[b / static_cast<std::size_t>(in_w)] *
                                               vx[b % static_cast<std::size_t>(in_w)]);
          else
            taps += 1;
        }
        a.frame_spikes[t * static_cast<std::size_t>(sh.frames) + f] = n;
        a.valid_taps[t] += taps;
        a.input_spikes += n;
      }
      const auto oc = static_cast<std::size_t>(sh.out_channels);
      const auto pos_n = static_cast<std::size_t>(sh.positions);
      const std::uint8_t* ob = out.spikes.data() + t * oc * pos_n;
      auto& list = a.out_spikes[t];
      for (std::size_t p = 0; p < pos_n; ++p)
        for (std::size_t c = 0; c < oc; ++c)
          if (ob[c * pos_n + p] != 0) list.push_back(static_cast<std::uint32_t>(p * oc + c));
    }
    s.engines.push_back(std::move(a));
    ++e;
  }
  return s;
}

workload make_workload(const nx::quant_model& model, const std::vector<std::vector<std::uint8_t>>& inputs,
                       const std::vector<int>& steps) {
  workload w;
  w.engines = engine_shapes(model);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const nx::inference_result r = nx::run_integer_inference(model, inputs[i], steps.at(i));
    w.samples.push_back(extract_activity(model, w.engines, r));
  }
  return w;
}

}  // namespace snncosim::explore
