#include "snncosim/nn/engine.h"

#include <new>

namespace snncosim::nn {

void shared_scratchpad::reserve(const dnnl::memory::desc& md) {
  const std::size_t need = md.get_size();
  if (need <= m_bytes) return;
  // Page-aligned: oneDNN's kernels assume aligned scratch, and whole pages keep the buffer
  // from sharing lines with anything else.
  constexpr std::size_t page = 4096;
  const std::size_t bytes = (need + page - 1) / page * page;
  void* p = std::aligned_alloc(page, bytes);
  if (p == nullptr) throw std::bad_alloc();
  m_buffer.reset(p);
  m_bytes = bytes;
}

dnnl::memory shared_scratchpad::get(const dnnl::memory::desc& md, const dnnl::engine& engine) {
  return dnnl::memory(md, engine, md.get_size() == 0 ? nullptr : m_buffer.get());
}

std::size_t row_bytes(const dnnl::memory::desc& md) {
  const auto dims = md.dims();
  if (dims.empty() || dims.front() <= 0) return 0;
  return md.get_size() / static_cast<std::size_t>(dims.front());
}

std::size_t logical_elements(const dnnl::memory::desc& md) {
  std::size_t n = 1;
  for (auto d : md.dims()) n *= static_cast<std::size_t>(d);
  return n;
}

void reorder_now(engine_context& ctx, const dnnl::memory& src, const dnnl::memory& dst) {
  dnnl::reorder(src, dst).execute(ctx.stream, const_cast<dnnl::memory&>(src),
                                  const_cast<dnnl::memory&>(dst));
  ctx.stream.wait();
}

}  // namespace snncosim::nn
