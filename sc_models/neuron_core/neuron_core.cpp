#include "snncosim/sc_models/neuron_core.h"

#include <algorithm>

#include "snncosim/numerics/neuron.h"

namespace snncosim::sc_models {

namespace {
std::int32_t* dmi_pointer(tlm_utils::simple_initiator_socket<neuron_core>& socket) {
  tlm::tlm_generic_payload q;
  tlm::tlm_dmi dmi;
  q.set_command(tlm::TLM_READ_COMMAND);
  q.set_address(0);
  if (!socket->get_direct_mem_ptr(q, dmi)) return nullptr;
  return reinterpret_cast<std::int32_t*>(dmi.get_dmi_ptr());
}
}  // namespace

neuron_core::neuron_core(const sc_core::sc_module_name& name, const numerics::quant_layer& layer,
                         const core_geometry& geometry, int neuron_cores, sc_core::sc_time clock_period)
    : sc_core::sc_module(name),
      in("in"),
      weights("weights"),
      membranes("membranes"),
      spikes_out("spikes_out"),
      m_layer(layer),
      m_geo(geometry),
      m_cores(neuron_cores),
      m_passes((layer.out_channels + neuron_cores - 1) / neuron_cores),
      m_taps(layer.kind == numerics::layer_kind::conv ? layer.kernel * layer.kernel : 1),
      m_pool_reads(layer.kind == numerics::layer_kind::conv && layer.current_pool_kernel > 0
                       ? layer.current_pool_kernel * layer.current_pool_kernel
                       : 1),
      m_clock(clock_period),
      m_packet_timing(new packet_timing_extension) {
  in.register_b_transport(this, &neuron_core::b_transport);
  m_packet.set_command(tlm::TLM_WRITE_COMMAND);
  m_packet.set_data_ptr(reinterpret_cast<unsigned char*>(&m_packet_data));
  m_packet.set_data_length(sizeof(aer_packet));
  m_packet.set_streaming_width(sizeof(aer_packet));
  m_packet.set_extension(m_packet_timing);
}

std::uint64_t neuron_core::accumulate_cycles(std::uint64_t spikes) const {
  if (spikes == 0) return 0;
  return spikes * static_cast<std::uint64_t>(m_taps) * m_fetch_per_tap +
         static_cast<std::uint64_t>(m_weight_mem->config().read_latency_cycles) +
         static_cast<std::uint64_t>(m_membrane_mem->config().read_latency_cycles);
}

std::uint64_t neuron_core::activate_cycles_without_stall() const {
  const auto positions = static_cast<std::uint64_t>(m_geo.out.height) * static_cast<std::uint64_t>(m_geo.out.width);
  return static_cast<std::uint64_t>(m_passes) * positions * static_cast<std::uint64_t>(m_pool_reads) +
         static_cast<std::uint64_t>(m_membrane_mem->config().read_latency_cycles);
}

void neuron_core::bind_dmi() {
  const std::int32_t* w = dmi_pointer(weights);
  m_acc = dmi_pointer(membranes);
  if (w == nullptr || m_acc == nullptr) throw std::runtime_error(std::string(name()) + ": DMI refused");
  m_mem = m_acc + m_membrane_mem->accumulator_words();
  m_fetch_per_tap = 0;
  for (int p = 0; p < m_passes; ++p) {
    const int active = std::min(m_cores, m_layer.out_channels - p * m_cores);
    m_fetch_per_tap += static_cast<std::uint64_t>(m_weight_mem->fetch_cycles(active, m_layer.widths.weight_bits));
  }
}

void neuron_core::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  auto* cmd = p.get_extension<core_extension>();
  if (cmd == nullptr || m_weight_mem == nullptr || m_membrane_mem == nullptr) {
    p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (m_mem == nullptr) bind_dmi();
  std::uint64_t cycles = 0;
  if (cmd->operation == core_extension::op::accumulate) {
    if (cmd->addresses == nullptr) {
      p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    }
    accumulate(cmd->frame, *cmd->addresses);
    cycles = accumulate_cycles(cmd->addresses->size());
    m_stats.accumulate_cycles += cycles;
  } else {
    activate(*cmd);
    const std::uint64_t base = activate_cycles_without_stall();
    m_stats.activate_cycles += base;
    m_stats.stall_cycles += cmd->stall_cycles;
    cycles = base + cmd->stall_cycles;
  }
  delay += m_clock * static_cast<double>(cycles);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

void neuron_core::accumulate(int frame, const std::vector<std::uint32_t>& addresses) {
  if (addresses.empty()) return;
  const int oc = m_layer.out_channels;
  const auto oc_n = static_cast<std::size_t>(oc);
  const int acc_bits = m_layer.widths.acc_bits;
  std::uint64_t valid_taps = 0;
  if (m_layer.kind == numerics::layer_kind::linear) {
    for (const std::uint32_t i : addresses) {
      const std::int32_t* w = m_weight_mem->data() + static_cast<std::size_t>(i) * oc_n;
      for (std::size_t o = 0; o < oc_n; ++o) m_acc[o] = numerics::accumulate(m_acc[o], w[o], acc_bits);
    }
    valid_taps = addresses.size();
  } else {
    const int k = m_layer.kernel;
    const int pad = m_layer.padding;
    const int stride = m_layer.stride;
    const int in_w = m_geo.in.width;
    const int fh = m_geo.full.height;
    const int fw = m_geo.full.width;
    for (const std::uint32_t a : addresses) {
      const int iy = static_cast<int>(a) / in_w;
      const int ix = static_cast<int>(a) % in_w;
      for (int ky = 0; ky < k; ++ky) {
        const int ny = iy + pad - ky;
        if (ny < 0 || ny % stride != 0 || ny / stride >= fh) continue;
        const int oy = ny / stride;
        for (int kx = 0; kx < k; ++kx) {
          const int nx = ix + pad - kx;
          if (nx < 0 || nx % stride != 0 || nx / stride >= fw) continue;
          const int ox = nx / stride;
          const std::int32_t* w = m_weight_mem->row(frame, ky * k + kx);
          std::int32_t* acc = m_acc + static_cast<std::size_t>(oy * fw + ox) * oc_n;
          for (std::size_t o = 0; o < oc_n; ++o) acc[o] = numerics::accumulate(acc[o], w[o], acc_bits);
          ++valid_taps;
        }
      }
    }
  }
  const std::uint64_t slots = addresses.size() * static_cast<std::uint64_t>(m_taps);
  m_stats.spike_tap_slots += slots;
  m_stats.synaptic_ops += valid_taps * oc_n;
  m_weight_mem->count(valid_taps * m_fetch_per_tap, 0);
  m_membrane_mem->count(valid_taps * oc_n, valid_taps * oc_n);
}

void neuron_core::activate(core_extension& cmd) {
  const numerics::quant_layer& l = m_layer;
  const int oc = l.out_channels;
  const auto oc_n = static_cast<std::size_t>(oc);
  const int out_w = m_geo.out.width;
  const int positions = m_geo.out.height * out_w;
  const int fw = m_geo.full.width;
  const bool pooled = l.kind == numerics::layer_kind::conv && l.current_pool_kernel > 0;
  const auto lat = static_cast<std::uint64_t>(m_membrane_mem->config().read_latency_cycles);
  auto* timing = m_packet_timing;
  std::uint64_t stall = 0;
  std::uint64_t spikes = 0;
  std::uint64_t slot = 0;  // read cycle of the current neuron's first accumulator
  for (int p = 0; p < m_passes; ++p) {
    const int c_end = std::min(oc, (p + 1) * m_cores);
    for (int pos = 0; pos < positions; ++pos, slot += static_cast<std::uint64_t>(m_pool_reads)) {
      const std::uint64_t slot_stall = stall;
      const int y = pos / out_w;
      const int x = pos % out_w;
      for (int c = p * m_cores; c < c_end; ++c) {
        const auto cc = static_cast<std::size_t>(c);
        std::int32_t a = 0;
        if (pooled) {
          const int s = l.current_pool_stride;
          a = m_acc[static_cast<std::size_t>(y * s * fw + x * s) * oc_n + cc];
          for (int py = 0; py < l.current_pool_kernel; ++py)
            for (int px = 0; px < l.current_pool_kernel; ++px)
              a = std::max(a, m_acc[static_cast<std::size_t>((y * s + py) * fw + x * s + px) * oc_n + cc]);
        } else {
          a = m_acc[static_cast<std::size_t>(pos) * oc_n + cc];
        }
        std::int32_t& mem = m_mem[static_cast<std::size_t>(pos) * oc_n + cc];
        const numerics::step_result r = numerics::neuron_step(l.neuron, l.widths, l.gain[cc], l.bias[cc], a, mem);
        mem = r.mem;
        if (m_events != nullptr)
          m_events->writebacks.push_back({m_event_layer, cmd.step, c, y, x, r.mem, r.spike,
                                          cmd.start_cycle + slot + static_cast<std::uint64_t>(m_pool_reads - 1) + lat +
                                              slot_stall});
        if (!r.spike) continue;
        ++spikes;
        // Written (and emitted) L_m cycles after the neuron's last accumulator read.
        timing->desired_cycle = cmd.start_cycle + slot + static_cast<std::uint64_t>(m_pool_reads - 1) + lat + stall;
        m_packet_data = {cmd.step, c, y, x};
        sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
        m_packet.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        spikes_out->b_transport(m_packet, zero);
        if (m_packet.get_response_status() != tlm::TLM_OK_RESPONSE)
          throw std::runtime_error(std::string(name()) + ": router refused a spike packet");
        stall += timing->entered_cycle - timing->desired_cycle;
      }
    }
  }
  const std::size_t full_words = static_cast<std::size_t>(m_geo.full.size());
  std::fill(m_acc, m_acc + full_words, 0);  // read-clear: accumulators start every step at 0
  const auto neurons = static_cast<std::uint64_t>(m_geo.out.size());
  m_stats.neurons_activated += neurons;
  m_stats.spikes_out += spikes;
  // Per neuron: q accumulator reads (+ clears) and one membrane read and write.
  m_membrane_mem->count(neurons * static_cast<std::uint64_t>(m_pool_reads) + neurons,
                        neurons * static_cast<std::uint64_t>(m_pool_reads) + neurons);
  cmd.stall_cycles = stall;
  cmd.spikes = spikes;
}

}  // namespace snncosim::sc_models
