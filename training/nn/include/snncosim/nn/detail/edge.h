#pragma once
// A reorder between two layouts that exists only when they differ: primitives may prefer
// different layouts for forward, backward-data and backward-weights; each mismatch costs one
// reorder per mini-batch, set up once at configure time.
#include <oneapi/dnnl/dnnl.hpp>

namespace snncosim::nn::detail {

class edge {
 public:
  edge() = default;
  edge(const dnnl::engine& eng, const dnnl::memory::desc& from, const dnnl::memory::desc& to,
       void* to_handle = nullptr) {
    m_active = from != to;
    if (!m_active) return;
    m_buffer = to_handle != nullptr ? dnnl::memory(to, eng, to_handle) : dnnl::memory(to, eng);
    m_reorder = dnnl::reorder(dnnl::reorder::primitive_desc(eng, from, eng, to));
  }
  bool active() const { return m_active; }
  // Returns the memory in the target layout (the input itself when layouts agree).
  dnnl::memory run(dnnl::stream& s, const dnnl::memory& from) {
    if (!m_active) return from;
    m_reorder.execute(s, const_cast<dnnl::memory&>(from), m_buffer);
    return m_buffer;
  }
  // For edges into a fixed destination: reorders into `to` (or copies nothing when equal).
  void run_into(dnnl::stream& s, const dnnl::memory& from, const dnnl::memory& to) {
    if (m_active) m_reorder.execute(s, const_cast<dnnl::memory&>(from), const_cast<dnnl::memory&>(to));
  }
  const dnnl::memory& buffer() const { return m_buffer; }

 private:
  bool m_active = false;
  dnnl::memory m_buffer;
  dnnl::reorder m_reorder;
};

}  // namespace snncosim::nn::detail
