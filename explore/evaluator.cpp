#include "snncosim/explore/evaluator.h"

#include <algorithm>
#include <stdexcept>

#include "snncosim/sc_models/weight_memory.h"

namespace snncosim::explore {

namespace sm = sc_models;

namespace {

std::uint64_t fetch_cycles(const sm::memory_config& m, int active_cores, int weight_bits) {
  return static_cast<std::uint64_t>(sm::weight_fetch_cycles(m, active_cores, weight_bits));
}

// Per-engine state of one sample, as the layer_engine thread keeps it.
struct engine_run {
  const engine_shape* shape = nullptr;
  const engine_activity* act = nullptr;
  const sm::layer_hw_config* hw = nullptr;
  std::uint64_t passes = 1, fetch_per_tap = 0, chunks = 0, activate_base = 0;
  std::uint64_t l_spk = 1, l_w = 1, l_m = 1;
  std::uint64_t ec_free = 0, core_free = 0, buffer_free[2] = {0, 0};
  std::uint64_t frame_counter = 0;
  // Router FIFO (docs/hardware.md §3.4): departures of the last max(D, B) + 1 packets.
  std::vector<std::uint64_t> departed;
  std::uint64_t count = 0, last_departure = 0;
  std::vector<std::uint64_t> end, delivered;
  layer_timing timing;
};

}  // namespace

sample_timing evaluator::evaluate_sample(const sm::hardware_config& hw, std::size_t sample, bool detail) {
  const sample_activity& s = m_w.samples.at(sample);
  const std::size_t n_eng = m_w.engines.size();
  if (hw.layers.size() != n_eng) throw std::invalid_argument("evaluate: hardware and workload differ in layer count");
  const int T = s.steps;
  const auto Tn = static_cast<std::size_t>(T);
  const bool pipelined = hw.mode == sm::pipeline_mode::timestep_pipelined;
  std::vector<engine_run> runs(n_eng);
  for (std::size_t e = 0; e < n_eng; ++e) {
    engine_run& r = runs[e];
    r.shape = &m_w.engines[e];
    r.act = &s.engines[e];
    r.hw = &hw.layers[e];
    const engine_shape& sh = *r.shape;
    const int n = r.hw->neuron_cores;
    r.passes = static_cast<std::uint64_t>((sh.out_channels + n - 1) / n);
    r.fetch_per_tap = 0;
    for (std::uint64_t p = 0; p < r.passes; ++p) {
      const int active = std::min(n, sh.out_channels - static_cast<int>(p) * n);
      r.fetch_per_tap += fetch_cycles(r.hw->weight_memory, active, sh.weight_bits);
    }
    r.chunks = static_cast<std::uint64_t>((sh.frame_bits + r.hw->penc_width_bits - 1) / r.hw->penc_width_bits);
    r.l_spk = static_cast<std::uint64_t>(r.hw->spike_read_latency_cycles);
    r.l_w = static_cast<std::uint64_t>(r.hw->weight_memory.read_latency_cycles);
    r.l_m = static_cast<std::uint64_t>(r.hw->membrane_memory.read_latency_cycles);
    r.activate_base = r.passes * static_cast<std::uint64_t>(sh.positions) * static_cast<std::uint64_t>(sh.pool_reads) + r.l_m;
    r.departed.assign(static_cast<std::size_t>(std::max(r.hw->spike_fifo_depth, r.hw->router_events_per_cycle)) + 1, 0);
    r.end.assign(Tn, 0);
    r.delivered.assign(Tn, 0);
    if (detail) r.timing.steps.assign(Tn, step_timing{});
  }

  auto run_step = [&](std::size_t e, int t) {
    engine_run& r = runs[e];
    const engine_shape& sh = *r.shape;
    const auto tt = static_cast<std::size_t>(t);
    std::uint64_t ready = 0;
    if (e > 0) ready = runs[e - 1].delivered[pipelined ? tt : Tn - 1];
    if (t == 0) {
      r.timing.start = ready;
      r.ec_free = r.core_free = ready;
      r.buffer_free[0] = r.buffer_free[1] = ready;
      r.frame_counter = 0;
    }
    step_timing st;
    st.begin = r.core_free;
    const std::uint32_t* spikes = r.act->frame_spikes.data() + tt * static_cast<std::size_t>(sh.frames);
    const std::uint64_t base_e = r.l_spk + r.chunks;
    const std::uint64_t per_spike_a = static_cast<std::uint64_t>(sh.taps) * r.fetch_per_tap;
    for (int f = 0; f < sh.frames; ++f, ++r.frame_counter) {
      std::uint64_t& buffer = r.buffer_free[r.frame_counter & 1];
      const std::uint64_t c = std::max({r.ec_free, buffer, ready});
      const std::uint64_t sf = spikes[f];
      const std::uint64_t compress = base_e + sf;
      const std::uint64_t ee = c + compress;
      st.compress += compress;
      st.input_spikes += sf;
      r.ec_free = ee;
      if (sf == 0) {
        buffer = ee;
        continue;
      }
      const std::uint64_t a = std::max(ee, r.core_free);
      st.idle += a - r.core_free;
      const std::uint64_t acc = sf * per_spike_a + r.l_w + r.l_m;
      st.accumulate += acc;
      r.core_free = a + acc;
      buffer = r.core_free;
    }
    std::uint64_t act = std::max(r.core_free, r.ec_free);
    st.idle += act - r.core_free;
    if (pipelined && e + 1 < n_eng && t >= 2) {
      const std::uint64_t out_free = runs[e + 1].end[tt - 2];
      if (out_free > act) {
        st.buffer_wait = out_free - act;
        st.idle += out_free - act;
        act = out_free;
      }
    }
    // Activation: packets in core order (pass, position, lane); lane = channel % N.
    const std::vector<std::uint32_t>& outs = r.act->out_spikes[tt];
    std::uint64_t stall = 0;
    if (!outs.empty()) {
      const auto oc = static_cast<std::uint32_t>(sh.out_channels);
      const auto n = static_cast<std::uint32_t>(r.hw->neuron_cores);
      const auto q = static_cast<std::uint64_t>(sh.pool_reads);
      const std::uint64_t pass_cycles = static_cast<std::uint64_t>(sh.positions) * q;
      const std::uint64_t offset = act + (q - 1) + r.l_m;
      const auto D = static_cast<std::uint64_t>(r.hw->spike_fifo_depth);
      const auto B = static_cast<std::uint64_t>(r.hw->router_events_per_cycle);
      const std::size_t ring = r.departed.size();
      auto packet = [&](std::uint32_t code) {
        const std::uint32_t pos = code / oc;
        const std::uint32_t ch = code % oc;
        const std::uint64_t desired = offset + (ch / n) * pass_cycles + pos * q + stall;
        const std::uint64_t k = r.count;
        std::uint64_t entered = desired;
        if (k >= D) entered = std::max(entered, r.departed[(k - D) % ring]);
        std::uint64_t dep = entered + 1;
        if (k >= 1) dep = std::max(dep, r.departed[(k - 1) % ring]);
        if (k >= B) dep = std::max(dep, r.departed[(k - B) % ring] + 1);
        r.departed[k % ring] = dep;
        ++r.count;
        r.last_departure = dep;
        stall += entered - desired;
      };
      if (r.passes == 1) {
        for (const std::uint32_t code : outs) packet(code);
      } else {
        // Stable counting sort by pass keeps (position, channel) order inside a pass.
        m_bucket.assign(r.passes + 1, 0);
        for (const std::uint32_t code : outs) ++m_bucket[(code % oc) / n + 1];
        for (std::size_t p = 1; p < m_bucket.size(); ++p) m_bucket[p] += m_bucket[p - 1];
        m_order.resize(outs.size());
        for (const std::uint32_t code : outs) m_order[m_bucket[(code % oc) / n]++] = code;
        for (const std::uint32_t code : m_order) packet(code);
      }
    }
    st.stall = stall;
    st.activate = r.activate_base;
    st.output_spikes = outs.size();
    st.end = act + r.activate_base + stall;
    r.core_free = st.end;
    r.end[tt] = st.end;
    r.delivered[tt] = std::max(st.end, r.last_departure);  // as the TLM: queued packets of earlier steps too
    layer_timing& lt = r.timing;
    lt.compress += st.compress;
    lt.accumulate += st.accumulate;
    lt.activate += st.activate;
    lt.stall += st.stall;
    lt.idle += st.idle;
    lt.packets += outs.size();
    if (detail) lt.steps[tt] = st;
  };

  if (T > 0) {
    if (pipelined) {
      for (int t = 0; t < T; ++t)
        for (std::size_t e = 0; e < n_eng; ++e) run_step(e, t);
    } else {
      for (std::size_t e = 0; e < n_eng; ++e)
        for (int t = 0; t < T; ++t) run_step(e, t);
    }
  }

  sample_timing out;
  const sm::energy_coefficients& k = hw.energy;
  double pj = 0;
  auto mem_pj = [&](sm::memory_kind kind, double accesses, double word_bits) {
    switch (kind) {
      case sm::memory_kind::bram:
      case sm::memory_kind::lutram: return accesses * k.pj_per_bram_access;
      case sm::memory_kind::uram: return accesses * k.pj_per_uram_access;
      case sm::memory_kind::offchip: return accesses * word_bits / 8.0 * k.pj_per_offchip_byte;
    }
    return 0.0;
  };
  for (std::size_t e = 0; e < n_eng; ++e) {
    engine_run& r = runs[e];
    layer_timing& lt = r.timing;
    const engine_shape& sh = *r.shape;
    lt.end = T > 0 ? r.end.back() : 0;
    lt.drain_end = T > 0 ? r.delivered.back() : 0;
    std::uint64_t taps = 0;
    for (const std::uint64_t v : r.act->valid_taps) taps += v;
    const auto oc = static_cast<std::uint64_t>(sh.out_channels);
    lt.synaptic_ops = taps * oc;
    lt.weight_reads = taps * r.fetch_per_tap;
    const std::uint64_t neurons = static_cast<std::uint64_t>(sh.out.size()) * static_cast<std::uint64_t>(T);
    lt.membrane_accesses = 2 * (taps * oc + neurons * (static_cast<std::uint64_t>(sh.pool_reads) + 1));
    lt.spike_accesses = r.chunks * static_cast<std::uint64_t>(sh.frames) * static_cast<std::uint64_t>(T) +
                        (e > 0 ? r.act->input_spikes : 0);
    pj += static_cast<double>(lt.synaptic_ops) * k.pj_per_synaptic_op;
    pj += mem_pj(r.hw->weight_memory.kind, static_cast<double>(lt.weight_reads), r.hw->weight_memory.width_bits);
    pj += mem_pj(r.hw->membrane_memory.kind, static_cast<double>(lt.membrane_accesses), 0);
    pj += mem_pj(sm::memory_kind::bram, static_cast<double>(lt.spike_accesses), 0);
    out.period_cycles = std::max({out.period_cycles, lt.end, lt.drain_end});
  }
  out.latency_cycles = n_eng > 0 ? runs.back().timing.end : 0;
  pj += k.static_w * (static_cast<double>(out.latency_cycles) / (hw.clock_mhz * 1e6)) * 1e12;
  out.energy_pj = pj;
  out.layers.reserve(n_eng);
  for (auto& r : runs) out.layers.push_back(std::move(r.timing));
  return out;
}

evaluation evaluator::evaluate(const sm::hardware_config& hw, const evaluate_options& opt) {
  evaluation ev;
  const std::size_t n = m_w.samples.size();
  ev.layer_span_cycles.assign(m_w.engines.size(), 0.0);
  ev.layer_busy_cycles.assign(m_w.engines.size(), 0.0);
  if (n == 0) return ev;
  double lat = 0, per = 0, pj = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sample_timing s = evaluate_sample(hw, i, opt.detail);
    lat += static_cast<double>(s.latency_cycles);
    per += static_cast<double>(s.period_cycles);
    pj += s.energy_pj;
    for (std::size_t e = 0; e < s.layers.size(); ++e) {
      const layer_timing& l = s.layers[e];
      ev.layer_span_cycles[e] += static_cast<double>(l.end - l.start);
      ev.layer_busy_cycles[e] += static_cast<double>(l.accumulate + l.activate + l.stall);
    }
    if (opt.keep_samples) ev.samples.push_back(std::move(s));
  }
  const auto dn = static_cast<double>(n);
  ev.mean_latency_cycles = lat / dn;
  ev.mean_period_cycles = per / dn;
  ev.mean_energy_uj = pj / dn * 1e-6;
  for (auto& v : ev.layer_span_cycles) v /= dn;
  for (auto& v : ev.layer_busy_cycles) v /= dn;
  ev.latency_us = ev.mean_latency_cycles / hw.clock_mhz;
  ev.samples_per_s = ev.mean_period_cycles > 0 ? hw.clock_mhz * 1e6 / ev.mean_period_cycles : 0;
  return ev;
}

}  // namespace snncosim::explore
