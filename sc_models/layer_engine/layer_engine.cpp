#include "snncosim/sc_models/layer_engine.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace snncosim::sc_models {

namespace {
std::size_t accumulator_words(const engine_geometry& g) { return static_cast<std::size_t>(g.core.full.size()); }
std::size_t membrane_words(const engine_geometry& g) { return static_cast<std::size_t>(g.core.out.size()); }
}  // namespace

engine_geometry engine_geometry_of(const numerics::quant_model& model, const std::vector<numerics::tensor_shape>& shapes,
                                   std::size_t i) {
  const auto& l = model.layers[i];
  engine_geometry g;
  g.core.in = i == 0 ? model.input : shapes[i - 1];
  g.core.out = shapes[i];
  g.core.full = g.core.out;
  if (l.kind == numerics::layer_kind::conv) {
    if (l.current_pool_kernel != 0)
      g.core.full = {l.out_channels, (g.core.in.height + 2 * l.padding - l.kernel) / l.stride + 1,
                     (g.core.in.width + 2 * l.padding - l.kernel) / l.stride + 1};
    g.frames = g.core.in.channels;
    g.frame_bits = g.core.in.height * g.core.in.width;
  } else {
    g.frames = 1;
    g.frame_bits = static_cast<int>(g.core.in.size());
  }
  return g;
}

int input_slots(std::size_t e, pipeline_mode mode, int max_steps) {
  return (e == 0 || mode == pipeline_mode::layer_sequential) ? max_steps : std::min(2, max_steps);
}

layer_engine::layer_engine(const sc_core::sc_module_name& name, int index, const numerics::quant_layer& layer,
                           const engine_geometry& geometry, const layer_hw_config& hw, pipeline_mode mode,
                           int input_slots, sc_core::sc_time clock_period)
    : sc_core::sc_module(name),
      ec_out("ec_out"),
      core_out("core_out"),
      input("input", input_slots, geometry.frames, geometry.frame_bits, hw.spike_read_latency_cycles, clock_period),
      ec("event_control", hw.penc_width_bits, clock_period),
      weights("weight_memory", hw.weight_memory, layer,
              layer.kind == numerics::layer_kind::conv ? geometry.core.in.channels
                                                       : static_cast<int>(geometry.core.in.size()),
              clock_period),
      membranes("membrane_memory", hw.membrane_memory, accumulator_words(geometry), membrane_words(geometry),
                clock_period),
      cores("neuron_cores", layer, geometry.core, hw.neuron_cores, clock_period),
      sig_step("step"),
      sig_activating("activating"),
      sig_spikes_out("spikes_out"),
      m_index(index),
      m_layer_name(layer.name),
      m_geo(geometry),
      m_hw(hw),
      m_mode(mode),
      m_clock(clock_period),
      m_compress(new compress_extension),
      m_core(new core_extension) {
  ec_out.bind(ec.in);
  ec.spikes.bind(input.read_port);
  ec.attach(input);
  core_out.bind(cores.in);
  cores.weights.bind(weights.in);
  cores.membranes.bind(membranes.in);
  cores.attach(weights, membranes);
  m_cmd.set_extension(m_compress);
  m_cmd.set_extension(m_core);
  m_cmd.set_command(tlm::TLM_IGNORE_COMMAND);
  sig_step.write(-1);
  SC_THREAD(run);
}

std::uint64_t layer_engine::to_cycles(const sc_core::sc_time& t) const {
  return static_cast<std::uint64_t>(std::llround(t / m_clock));
}

std::uint64_t layer_engine::now_cycle() const { return to_cycles(sc_core::sc_time_stamp()); }

void layer_engine::advance_to(std::uint64_t cycle) {
  const std::uint64_t now = now_cycle();
  if (cycle > now) wait(m_clock * static_cast<double>(cycle - now));
}

void layer_engine::start_sample(std::uint64_t start_cycle, int steps) {
  m_sample_start = start_cycle;
  m_num_steps = steps;
  m_steps_done = 0;
  m_sample_done = false;
  m_steps.assign(static_cast<std::size_t>(steps), step_cycles{});
  m_delivered.assign(static_cast<std::size_t>(steps), 0);
  m_start.notify(sc_core::SC_ZERO_TIME);
}

// When may step t's input be read? Layer 0: the sample start (input preloaded). Then the
// previous engine's delivery of step t (pipelined) or of its last step (sequential).
std::uint64_t layer_engine::wait_input(int t) {
  if (m_prev == nullptr) return m_sample_start;
  const int need = m_mode == pipeline_mode::timestep_pipelined ? t + 1 : m_num_steps;
  while (m_prev->steps_done() < need) wait(m_prev->progress());
  return m_prev->delivered_cycle(need - 1);
}

// Pipelined: step t is written into the next engine's buffer t % 2, free once that engine
// finished step t - 2.
std::uint64_t layer_engine::wait_output_buffer(int t) {
  if (m_mode != pipeline_mode::timestep_pipelined || m_next == nullptr || t < 2) return 0;
  while (m_next->steps_done() < t - 1) wait(m_next->progress());
  return m_next->done_cycle(t - 2);
}

void layer_engine::run() {
  std::vector<std::uint32_t> addresses;
  addresses.reserve(static_cast<std::size_t>(m_geo.frame_bits));
  for (;;) {
    wait(m_start);
    membranes.clear();
    m_router->reset_fifo();
    m_frame_counter = 0;
    m_layer_start = 0;
    for (int t = 0; t < m_num_steps; ++t) run_step(t, addresses);
    m_layer_end = m_num_steps > 0 ? m_steps.back().end : m_sample_start;
    m_drain_end = m_num_steps > 0 ? m_delivered.back() : m_sample_start;
    m_sample_done = true;
    m_progress.notify(sc_core::SC_ZERO_TIME);
  }
}

void layer_engine::run_step(int t, std::vector<std::uint32_t>& addresses) {
  const std::uint64_t ready = wait_input(t);
  step_cycles& st = m_steps[static_cast<std::size_t>(t)];
  if (t == 0) {
    m_layer_start = ready;
    m_ec_free = m_core_free = ready;
    m_buffer_free[0] = m_buffer_free[1] = ready;
  }
  st.begin = m_core_free;
  const int slot = t % input.slots();
  sc_core::sc_time delay;
  for (int f = 0; f < m_geo.frames; ++f, ++m_frame_counter) {
    std::uint64_t& buffer = m_buffer_free[m_frame_counter % 2];
    const std::uint64_t c = std::max({m_ec_free, buffer, ready});
    m_compress->slot = slot;
    m_compress->frame = f;
    m_compress->addresses = &addresses;
    delay = sc_core::SC_ZERO_TIME;
    ec_out->b_transport(m_cmd, delay);
    if (m_cmd.get_response_status() != tlm::TLM_OK_RESPONSE)
      throw std::runtime_error(fmt::format("{}: event control failed", name()));
    const std::uint64_t compress = to_cycles(delay);
    const std::uint64_t e = c + compress;
    st.compress += compress;
    st.input_spikes += addresses.size();
    m_ec_free = e;
    if (addresses.empty()) {
      buffer = e;
      continue;
    }
    const std::uint64_t a = std::max(e, m_core_free);
    st.idle += a - m_core_free;
    m_core->operation = core_extension::op::accumulate;
    m_core->frame = f;
    m_core->addresses = &addresses;
    delay = sc_core::SC_ZERO_TIME;
    core_out->b_transport(m_cmd, delay);
    if (m_cmd.get_response_status() != tlm::TLM_OK_RESPONSE)
      throw std::runtime_error(fmt::format("{}: accumulate failed", name()));
    const std::uint64_t acc = to_cycles(delay);
    st.accumulate += acc;
    m_core_free = a + acc;
    buffer = m_core_free;
    if (m_log != nullptr)
      *m_log += fmt::format("{} {} step {} frame {} compress [{}, {}) spikes {} accumulate [{}, {})\n", c, m_layer_name,
                            t, f, c, e, addresses.size(), a, m_core_free);
  }
  std::uint64_t act = std::max(m_core_free, m_ec_free);
  st.idle += act - m_core_free;
  const std::uint64_t out_free = wait_output_buffer(t);
  if (out_free > act) {
    st.buffer_wait = out_free - act;
    st.idle += out_free - act;
    act = out_free;
  }
  advance_to(act);
  sig_step.write(t);
  sig_activating.write(true);
  m_core->operation = core_extension::op::activate;
  m_core->step = t;
  m_core->start_cycle = act;
  m_core->stall_cycles = 0;
  m_core->spikes = 0;
  delay = sc_core::SC_ZERO_TIME;
  core_out->b_transport(m_cmd, delay);
  if (m_cmd.get_response_status() != tlm::TLM_OK_RESPONSE)
    throw std::runtime_error(fmt::format("{}: activate failed", name()));
  const std::uint64_t total = to_cycles(delay);
  st.stall = m_core->stall_cycles;
  st.activate = total - st.stall;
  st.output_spikes = m_core->spikes;
  m_core_free = act + total;
  st.end = m_core_free;
  if (m_log != nullptr)
    *m_log += fmt::format("{} {} step {} activate [{}, {}) stall {} spikes {}\n", act, m_layer_name, t, act,
                          st.end, st.stall, st.output_spikes);
  advance_to(st.end);
  sig_activating.write(false);
  sig_spikes_out.write(static_cast<int>(st.output_spikes));
  // Step t is delivered when its activation ended and every packet queued so far (of t or of
  // an earlier step still draining) has left the router: a silent step must still wait for them.
  m_delivered[static_cast<std::size_t>(t)] = std::max(st.end, m_router->last_departure());
  m_steps_done = t + 1;
  m_progress.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace snncosim::sc_models
