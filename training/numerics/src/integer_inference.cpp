// The golden integer model: docs/numerics.md §5-7 written as plain loops.
#include "snncosim/numerics/integer_inference.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "snncosim/common/error.h"

namespace snncosim::numerics {

std::int64_t spike_record::total() const {
  std::int64_t n = 0;
  for (auto c : counts) n += c;
  return n;
}

spike_agreement compare_spikes(const spike_record& a, const spike_record& b) {
  if (!(a.shape == b.shape) || a.spikes.size() != b.spikes.size())
    throw std::invalid_argument(fmt::format("compare_spikes: '{}' and '{}' differ in shape or steps", a.name, b.name));
  spike_agreement r;
  r.positions = static_cast<std::int64_t>(a.spikes.size());
  for (std::size_t i = 0; i < a.spikes.size(); ++i) {
    const bool x = a.spikes[i] != 0;
    const bool y = b.spikes[i] != 0;
    r.equal += x == y ? 1 : 0;
    r.spikes_a += x ? 1 : 0;
    r.spikes_b += y ? 1 : 0;
  }
  return r;
}

std::vector<std::uint8_t> encode_input(std::span<const float> frames, double input_threshold) {
  std::vector<std::uint8_t> s(frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) s[i] = static_cast<double>(frames[i]) > input_threshold ? 1 : 0;
  return s;
}

namespace {

using u8 = std::uint8_t;

std::size_t at(const tensor_shape& s, int c, int y, int x) {
  return static_cast<std::size_t>((std::int64_t{c} * s.height + y) * s.width + x);
}

// Accumulate phase of a conv layer for one step: every input spike, in (ci, iy, ix)
// ascending order, adds W[co][ci][ky][kx] to acc[co][oy][ox] for each output position it
// reaches: oy = (iy + padding - ky) / stride when that division is exact and in range.
void accumulate_conv(const quant_layer& l, const tensor_shape& in, const u8* spikes, const tensor_shape& full,
                     std::vector<std::int32_t>& acc) {
  const int k = l.kernel;
  for (int ci = 0; ci < in.channels; ++ci)
    for (int iy = 0; iy < in.height; ++iy)
      for (int ix = 0; ix < in.width; ++ix) {
        if (!spikes[at(in, ci, iy, ix)]) continue;
        for (int co = 0; co < full.channels; ++co)
          for (int ky = 0; ky < k; ++ky) {
            const int ny = iy + l.padding - ky;
            if (ny < 0 || ny % l.stride != 0 || ny / l.stride >= full.height) continue;
            const int oy = ny / l.stride;
            for (int kx = 0; kx < k; ++kx) {
              const int nx = ix + l.padding - kx;
              if (nx < 0 || nx % l.stride != 0 || nx / l.stride >= full.width) continue;
              const int ox = nx / l.stride;
              const std::int32_t w =
                  l.weights[static_cast<std::size_t>(((std::int64_t{co} * in.channels + ci) * k + ky) * k + kx)];
              std::int32_t& a = acc[at(full, co, oy, ox)];
              a = accumulate(a, w, l.widths.acc_bits);
            }
          }
      }
}

// Linear: input spike i (ascending) adds W[o][i] to acc[o] for every o.
void accumulate_linear(const quant_layer& l, const tensor_shape& in, const u8* spikes, std::vector<std::int32_t>& acc) {
  const auto n_in = static_cast<std::size_t>(in.channels);
  for (std::size_t i = 0; i < n_in; ++i) {
    if (!spikes[i]) continue;
    for (std::size_t o = 0; o < acc.size(); ++o) acc[o] = accumulate(acc[o], l.weights[o * n_in + i], l.widths.acc_bits);
  }
}

struct layer_state {
  tensor_shape in, out, full;  // full: conv output before the current pool
  std::vector<std::int32_t> acc;
  std::vector<std::int32_t> mem;
};

}  // namespace

inference_result run_integer_inference(const quant_model& m, std::span<const std::uint8_t> input_spikes,
                                       int num_steps, const inference_options& options) {
  const std::vector<tensor_shape> shapes = validate(m);
  if (num_steps < 0) throw bad_input("integer inference: num_steps must be >= 0");
  const auto frame = static_cast<std::size_t>(m.input.size());
  if (input_spikes.size() != frame * static_cast<std::size_t>(num_steps))
    throw bad_input(fmt::format("integer inference: {} input values, expected T={} x {} = {}", input_spikes.size(),
                                num_steps, frame, frame * static_cast<std::size_t>(num_steps)));

  inference_result res;
  res.num_steps = num_steps;
  res.input.name = "input";
  res.input.shape = m.input;
  res.input.spikes.assign(input_spikes.begin(), input_spikes.end());
  for (auto& s : res.input.spikes) s = s ? 1 : 0;
  res.input.counts.assign(static_cast<std::size_t>(num_steps), 0);
  for (int t = 0; t < num_steps; ++t)
    for (std::size_t i = 0; i < frame; ++i) res.input.counts[static_cast<std::size_t>(t)] += res.input.spikes[t * frame + i];

  std::vector<layer_state> st(m.layers.size());
  tensor_shape in = m.input;
  for (std::size_t li = 0; li < m.layers.size(); ++li) {
    const quant_layer& l = m.layers[li];
    st[li].in = in;
    st[li].out = shapes[li];
    st[li].full = shapes[li];
    if (l.kind == layer_kind::conv && l.current_pool_kernel != 0) {
      st[li].full = {l.out_channels, (in.height + 2 * l.padding - l.kernel) / l.stride + 1,
                     (in.width + 2 * l.padding - l.kernel) / l.stride + 1};
    }
    if (l.is_neuron_layer()) {
      st[li].acc.assign(static_cast<std::size_t>(st[li].full.size()), 0);
      st[li].mem.assign(static_cast<std::size_t>(st[li].out.size()), 0);  // m_{-1} = 0
    }
    spike_record& r = res.layers.emplace_back();
    r.name = l.name;
    r.shape = shapes[li];
    r.spikes.assign(static_cast<std::size_t>(shapes[li].size()) * static_cast<std::size_t>(num_steps), 0);
    r.counts.assign(static_cast<std::size_t>(num_steps), 0);
    if (options.record_membrane && l.is_neuron_layer()) r.membrane.assign(r.spikes.size(), 0);
    in = shapes[li];
  }

  for (int t = 0; t < num_steps; ++t) {
    const u8* cur = res.input.spikes.data() + static_cast<std::size_t>(t) * frame;
    for (std::size_t li = 0; li < m.layers.size(); ++li) {
      const quant_layer& l = m.layers[li];
      layer_state& s = st[li];
      spike_record& rec = res.layers[li];
      const auto out_n = static_cast<std::size_t>(s.out.size());
      u8* out = rec.spikes.data() + static_cast<std::size_t>(t) * out_n;
      switch (l.kind) {
        case layer_kind::conv:
        case layer_kind::linear: {
          // Accumulate phase: the accumulators start every step at 0.
          std::fill(s.acc.begin(), s.acc.end(), 0);
          if (l.kind == layer_kind::conv)
            accumulate_conv(l, s.in, cur, s.full, s.acc);
          else
            accumulate_linear(l, s.in, cur, s.acc);
          // Activate phase: every neuron, every step (also when no input spike arrived).
          for (int c = 0; c < s.out.channels; ++c)
            for (int y = 0; y < s.out.height; ++y)
              for (int x = 0; x < s.out.width; ++x) {
                std::int32_t a = 0;
                if (l.kind == layer_kind::conv && l.current_pool_kernel != 0) {
                  // Current max-pool: the largest accumulator of the window (bias is per
                  // channel, so max(acc) + bias = max(acc + bias)).
                  a = s.acc[at(s.full, c, y * l.current_pool_stride, x * l.current_pool_stride)];
                  for (int py = 0; py < l.current_pool_kernel; ++py)
                    for (int px = 0; px < l.current_pool_kernel; ++px)
                      a = std::max(a, s.acc[at(s.full, c, y * l.current_pool_stride + py,
                                               x * l.current_pool_stride + px)]);
                } else {
                  a = s.acc[at(s.full, c, y, x)];
                }
                const std::size_t n = at(s.out, c, y, x);
                const auto cc = static_cast<std::size_t>(c);
                const step_result r = neuron_step(l.neuron, l.widths, l.gain[cc], l.bias[cc], a, s.mem[n]);
                s.mem[n] = r.mem;
                out[n] = r.spike ? 1 : 0;
                if (!rec.membrane.empty()) rec.membrane[static_cast<std::size_t>(t) * out_n + n] = r.mem;
              }
          break;
        }
        case layer_kind::maxpool:
          // Spike max-pool: a spatial OR over the window (no padding).
          for (int c = 0; c < s.out.channels; ++c)
            for (int y = 0; y < s.out.height; ++y)
              for (int x = 0; x < s.out.width; ++x) {
                u8 v = 0;
                for (int py = 0; py < l.kernel; ++py)
                  for (int px = 0; px < l.kernel; ++px) v |= cur[at(s.in, c, y * l.stride + py, x * l.stride + px)];
                out[at(s.out, c, y, x)] = v;
              }
          break;
        case layer_kind::flatten:
          // (C,H,W) row-major: index (c*H + y)*W + x, i.e. the same bytes.
          std::copy(cur, cur + out_n, out);
          break;
      }
      std::int64_t cnt = 0;
      for (std::size_t i = 0; i < out_n; ++i) cnt += out[i];
      rec.counts[static_cast<std::size_t>(t)] = cnt;
      cur = out;
    }
  }

  if (m.num_classes > 0 && !res.layers.empty()) {
    const spike_record& last = res.layers.back();
    const auto n_out = static_cast<std::size_t>(last.shape.size());
    const auto pop = static_cast<std::size_t>(m.population_per_class);
    res.class_counts.assign(static_cast<std::size_t>(m.num_classes), 0);
    for (int t = 0; t < num_steps; ++t)
      for (std::size_t i = 0; i < n_out; ++i)
        res.class_counts[i / pop] += last.spikes[static_cast<std::size_t>(t) * n_out + i];
    res.predicted_class = static_cast<int>(
        std::max_element(res.class_counts.begin(), res.class_counts.end()) - res.class_counts.begin());
  }
  return res;
}

}  // namespace snncosim::numerics
