#include "snncosim/sc_models/accelerator.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"

namespace snncosim::sc_models {

namespace {

sc_core::sc_time clock_period(double mhz) {
  if (!(mhz > 0)) throw bad_input("hardware: clock_mhz is 0 and no platform clock was given");
  return sc_core::sc_time(1.0e6 / mhz, sc_core::SC_PS);
}

numerics::tensor_shape input_of(const numerics::quant_model& m, const std::vector<numerics::tensor_shape>& shapes,
                                std::size_t i) {
  return i == 0 ? m.input : shapes[i - 1];
}

}  // namespace

accelerator::accelerator(const sc_core::sc_module_name& name, const numerics::quant_model& model,
                         const hardware_config& hw, int max_steps, const simulation_options& options)
    : sc_core::sc_module(name),
      host("host"),
      output_reader("output_reader"),
      m_model(model),
      m_hw(hw),
      m_options(options),
      m_clock(clock_period(hw.clock_mhz)),
      m_shapes(numerics::validate(model)),
      m_packet_timing(new packet_timing_extension) {
  if (max_steps < 1) throw bad_input("simulate: samples need at least one time step");
  m_records.layers.resize(model.layers.size());
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    m_records.layers[i].name = model.layers[i].name;
    m_records.layers[i].shape = m_shapes[i];
    if (model.layers[i].is_neuron_layer()) m_neuron_layer_index.push_back(static_cast<int>(i));
  }
  if (m_neuron_layer_index.size() != hw.layers.size())
    throw bad_input(fmt::format("hardware '{}' describes {} layer engines, the model has {} neuron layers", hw.name,
                                hw.layers.size(), m_neuron_layer_index.size()));

  auto stages_between = [&](std::size_t from, std::size_t to) {
    std::vector<router_stage> st;
    for (std::size_t i = from; i < to; ++i) {
      const auto& l = model.layers[i];
      router_stage s;
      s.kind = l.kind;
      s.kernel = l.kernel;
      s.stride = l.stride;
      s.in = input_of(model, m_shapes, i);
      s.out = m_shapes[i];
      s.record = &m_records.layers[i];
      st.push_back(s);
    }
    return st;
  };

  const std::size_t n_eng = m_neuron_layer_index.size();
  for (std::size_t e = 0; e < n_eng; ++e) {
    const auto i = static_cast<std::size_t>(m_neuron_layer_index[e]);
    const auto& l = model.layers[i];
    const engine_geometry g = engine_geometry_of(model, m_shapes, i);
    const int slots = input_slots(e, hw.mode, max_steps);
    m_engines.push_back(std::make_unique<layer_engine>(fmt::format("engine_{}", l.name).c_str(), static_cast<int>(e), l,
                                                       g, hw.layers[e], hw.mode, slots, m_clock));
  }
  // Output buffer behind the last engine: the final shape, one frame per channel.
  const numerics::tensor_shape last = m_shapes.back();
  m_output = std::make_unique<spike_memory>("output_spikes", max_steps, last.channels, last.height * last.width, 1,
                                            m_clock);
  for (std::size_t e = 0; e < n_eng; ++e) {
    const auto i = static_cast<std::size_t>(m_neuron_layer_index[e]);
    const std::size_t to = e + 1 < n_eng ? static_cast<std::size_t>(m_neuron_layer_index[e + 1]) : model.layers.size();
    const bool next_linear =
        e + 1 < n_eng && model.layers[static_cast<std::size_t>(m_neuron_layer_index[e + 1])].kind ==
                             numerics::layer_kind::linear;
    m_routers.push_back(std::make_unique<spike_router>(
        fmt::format("router_{}", model.layers[i].name).c_str(), hw.layers[e].spike_fifo_depth,
        hw.layers[e].router_events_per_cycle, stages_between(i + 1, to), &m_records.layers[i], m_shapes[i], next_linear));
    spike_memory& next = e + 1 < n_eng ? m_engines[e + 1]->input : *m_output;
    m_routers[e]->out.bind(next.in);
    m_routers[e]->attach(next);
    m_engines[e]->cores.spikes_out.bind(m_routers[e]->in);
    m_routers[e]->set_event_log(options.events, static_cast<int>(e));
    m_engines[e]->cores.set_event_log(options.events, static_cast<int>(e));
    m_engines[e]->connect(e > 0 ? m_engines[e - 1].get() : nullptr, e + 1 < n_eng ? m_engines[e + 1].get() : nullptr,
                          m_routers[e].get());
    if (options.transaction_log) m_engines[e]->set_log(&m_log);
  }
  // Host preload of the input through the layers in front of the first engine.
  const auto first = static_cast<std::size_t>(m_neuron_layer_index[0]);
  m_loader = std::make_unique<spike_router>("input_loader", 1, 1, stages_between(0, first), nullptr, model.input,
                                            model.layers[first].kind == numerics::layer_kind::linear);
  host.bind(m_loader->in);
  output_reader.bind(m_output->read_port);
  m_loader->out.bind(m_engines[0]->input.in);
  m_loader->attach(m_engines[0]->input);
  m_packet.set_command(tlm::TLM_WRITE_COMMAND);
  m_packet.set_data_ptr(reinterpret_cast<unsigned char*>(&m_packet_data));
  m_packet.set_data_length(sizeof(aer_packet));
  m_packet.set_streaming_width(sizeof(aer_packet));
  m_packet.set_extension(m_packet_timing);
  SC_THREAD(run);
}

accelerator::~accelerator() = default;

void accelerator::trace(sc_core::sc_trace_file* f) const {
  for (const auto& e : m_engines) {
    sc_core::sc_trace(f, e->sig_step, e->name() + std::string(".step"));
    sc_core::sc_trace(f, e->sig_activating, e->name() + std::string(".activating"));
    sc_core::sc_trace(f, e->sig_spikes_out, e->name() + std::string(".spikes_out"));
  }
}

void accelerator::run() {
  const auto n = m_samples == nullptr ? std::size_t{0} : m_samples->size();
  progress_bar bar("simulate", n, "samples");
  if (!m_options.progress) bar.finish();
  std::uint64_t start = 0;
  for (std::size_t s = 0; s < n; ++s) {
    const sample_input& in = (*m_samples)[s];
    const int steps = in.num_steps;
    const auto frame = static_cast<std::size_t>(m_model.input.size());
    if (in.spikes.size() != frame * static_cast<std::size_t>(steps))
      throw bad_input(fmt::format("sample {}: {} input values, expected T={} x {}", s, in.spikes.size(), steps, frame));
    // Reset: records, memories, statistics.
    m_records.num_steps = steps;
    m_records.input.name = "input";
    m_records.input.shape = m_model.input;
    m_records.input.spikes.assign(in.spikes.begin(), in.spikes.end());
    m_records.input.counts.assign(static_cast<std::size_t>(steps), 0);
    for (auto& r : m_records.layers) {
      r.spikes.assign(static_cast<std::size_t>(r.shape.size()) * static_cast<std::size_t>(steps), 0);
      r.counts.assign(static_cast<std::size_t>(steps), 0);
    }
    for (auto& e : m_engines) {
      e->input.clear();
      e->input.reset_stats();
      e->ec.reset_stats();
      e->weights.reset_stats();
      e->membranes.reset_stats();
      e->cores.reset_stats();
    }
    m_output->clear();
    for (auto& r : m_routers) r->reset_stats();
    m_loader->reset_fifo();
    // Preload (untimed host DMA, in front of cycle 0 of the sample).
    for (int t = 0; t < steps; ++t)
      for (int c = 0; c < m_model.input.channels; ++c)
        for (int y = 0; y < m_model.input.height; ++y)
          for (int x = 0; x < m_model.input.width; ++x) {
            const std::size_t idx =
                static_cast<std::size_t>(t) * frame +
                static_cast<std::size_t>((c * m_model.input.height + y) * m_model.input.width + x);
            if (in.spikes[idx] == 0) continue;
            m_records.input.spikes[idx] = 1;
            m_records.input.counts[static_cast<std::size_t>(t)] += 1;
            m_packet_data = {t, c, y, x};
            m_packet_timing->desired_cycle = 0;
            sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
            host->b_transport(m_packet, zero);
          }
    for (auto& e : m_engines) e->input.reset_stats();
    for (auto& e : m_engines) e->start_sample(start, steps);
    for (auto& e : m_engines)
      while (!e->sample_done()) wait(e->progress());
    sample_result& r = m_results.emplace_back();
    collect(r, start);
    if (m_options.on_sample) {
      const auto c0 = std::chrono::steady_clock::now();
      m_options.on_sample(s, r);
      m_callback_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
    }
    if (!m_options.keep_spikes) {  // keep names, shapes and per-step counts
      r.spikes.input.spikes = {};
      for (auto& l : r.spikes.layers) l.spikes = {};
    }
    std::uint64_t end = start;
    for (auto& e : m_engines) end = std::max({end, e->layer_end(), e->drain_end()});
    start = end;
    bar.advance();
  }
  bar.finish();
  // No sc_stop (it prints an info report on stdout): with every engine waiting for a next
  // sample that never comes, the kernel runs out of events and sc_start returns.
}

void accelerator::collect(sample_result& r, std::uint64_t start) {
  r.start_cycle = start;
  r.spikes = m_records;
  r.spikes.num_steps = m_records.num_steps;
  r.latency_cycles = m_engines.back()->layer_end() - start;
  for (std::size_t e = 0; e < m_engines.size(); ++e) {
    const layer_engine& eng = *m_engines[e];
    layer_result lr;
    lr.name = eng.layer_name();
    lr.neuron_cores = eng.hw().neuron_cores;
    lr.passes = eng.cores.passes();
    lr.start = eng.layer_start() - start;
    lr.end = eng.layer_end() - start;
    lr.drain_end = eng.drain_end() - start;
    lr.steps = eng.steps();
    for (auto& st : lr.steps) {
      st.begin -= start;
      st.end -= start;
      lr.compress += st.compress;
      lr.accumulate += st.accumulate;
      lr.activate += st.activate;
      lr.stall += st.stall;
      lr.idle += st.idle;
      lr.input_spikes += st.input_spikes;
      lr.output_spikes += st.output_spikes;
    }
    lr.synaptic_ops = eng.cores.stats().synaptic_ops;
    const auto& l = m_model.layers[static_cast<std::size_t>(m_neuron_layer_index[e])];
    lr.memories.push_back({"weight_memory", eng.hw().weight_memory.kind, eng.weights.stats().num_reads,
                           eng.weights.stats().num_writes, static_cast<std::uint64_t>(eng.hw().weight_memory.width_bits)});
    lr.memories.push_back({"membrane_memory", eng.hw().membrane_memory.kind, eng.membranes.stats().num_reads,
                           eng.membranes.stats().num_writes,
                           static_cast<std::uint64_t>(std::max(l.widths.acc_bits, l.widths.mem_bits))});
    lr.memories.push_back({"spike_memory", memory_kind::bram, eng.input.stats().num_reads, eng.input.stats().num_writes,
                           static_cast<std::uint64_t>(eng.hw().penc_width_bits)});
    lr.router = m_routers[e]->stats();
    r.layers.push_back(std::move(lr));
  }
  r.energy_pj = sample_energy_pj(r, m_hw);
}

double sample_energy_pj(const sample_result& s, const hardware_config& hw) {
  const energy_coefficients& k = hw.energy;
  double pj = 0;
  for (const auto& l : s.layers) {
    pj += static_cast<double>(l.synaptic_ops) * k.pj_per_synaptic_op;
    for (const auto& m : l.memories) {
      const auto accesses = static_cast<double>(m.reads + m.writes);
      switch (m.kind) {
        case memory_kind::bram:
        case memory_kind::lutram: pj += accesses * k.pj_per_bram_access; break;
        case memory_kind::uram: pj += accesses * k.pj_per_uram_access; break;
        case memory_kind::offchip: pj += accesses * static_cast<double>(m.word_bits) / 8.0 * k.pj_per_offchip_byte; break;
      }
    }
  }
  const double seconds = static_cast<double>(s.latency_cycles) / (hw.clock_mhz * 1e6);
  pj += k.static_w * seconds * 1e12;
  return pj;
}

simulation_result simulate(const numerics::quant_model& model, const hardware_config& hw,
                           const std::vector<sample_input>& samples, const simulation_options& options) {
  int max_steps = 1;
  const auto frame = static_cast<std::size_t>(model.input.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto& s = samples[i];
    if (s.num_steps < 1 || s.spikes.size() != frame * static_cast<std::size_t>(s.num_steps))
      throw bad_input(fmt::format("sample {}: {} input values for T={}, expected T x {} (T >= 1)", i, s.spikes.size(),
                                  s.num_steps, frame));
    max_steps = std::max(max_steps, s.num_steps);
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto acc = std::make_unique<accelerator>("accelerator", model, hw, max_steps, options);
  acc->set_samples(&samples);
  if (options.on_elaborated) options.on_elaborated(*acc);
  // SystemC prints info reports (VCD timescale, ...) on stdout, which is reserved for results.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_trace_file* vcd = nullptr;
  // SystemC appends ".vcd"; write under a temporary name and rename when complete.
  const std::string vcd_base = options.vcd_path + ".partial";
  if (!options.vcd_path.empty()) {
    // SystemC neither makes the folder nor reports a file it could not open (it then
    // crashes when closing it), so both are settled here.
    const std::filesystem::path vcd_file(vcd_base + ".vcd");
    check_output_file(options.vcd_path);
    ensure_output_folder(vcd_file.parent_path());
    check_output_file(vcd_file);
    vcd = sc_core::sc_create_vcd_trace_file(vcd_base.c_str());
    vcd->set_time_unit(1, sc_core::SC_PS);  // VCD time units must be powers of ten
    acc->trace(vcd);
  }
  try {
    sc_core::sc_start();
  } catch (...) {
    if (vcd != nullptr) {
      sc_core::sc_close_vcd_trace_file(vcd);
      std::filesystem::remove(vcd_base + ".vcd");
    }
    throw;
  }
  if (vcd != nullptr) {
    sc_core::sc_close_vcd_trace_file(vcd);
    std::filesystem::rename(vcd_base + ".vcd", options.vcd_path);
  }
  simulation_result res;
  res.hardware = hw;
  res.samples = std::move(acc->results());
  res.transaction_log = std::move(acc->log());
  // The simulator's own time: without the caller's per-sample callbacks.
  res.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() - acc->callback_seconds();
  double worst_step = 0;
  for (const auto& s : res.samples) {
    for (const auto& l : s.layers) {
      res.synaptic_ops += l.synaptic_ops;
      if (!l.steps.empty()) {
        const double per_step = static_cast<double>(l.end - l.start) / static_cast<double>(l.steps.size());
        worst_step = std::max(worst_step, per_step);
      }
    }
    res.total_cycles += s.layers.empty() ? 0 : std::max(s.latency_cycles, s.layers.back().drain_end);
  }
  if (hw.mode == pipeline_mode::timestep_pipelined) {
    res.cycles_per_step_steady = worst_step;
  } else if (!res.samples.empty()) {
    const auto& s = res.samples.front();
    res.cycles_per_step_steady = static_cast<double>(s.latency_cycles) / std::max(1, s.spikes.num_steps);
  }
  return res;
}

}  // namespace snncosim::sc_models
