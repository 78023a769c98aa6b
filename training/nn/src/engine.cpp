#include "snncosim/nn/engine.h"

namespace snncosim::nn {

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
