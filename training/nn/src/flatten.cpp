#include "snncosim/nn/flatten.h"

namespace snncosim::nn {

using dnnl::memory;

memory::desc flatten::configure(engine_context& ctx, const memory::desc& src, batch_geometry) {
  const auto dims = src.dims();
  memory::dim features = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) features *= dims[i];
  m_src_md = src;
  m_flat_md = memory::desc({dims[0], features}, memory::data_type::f32, memory::format_tag::nc);
  m_plain_md = memory::desc(dims, memory::data_type::f32, memory::format_tag::nchw);
  if (dims.size() == 2) m_plain_md = m_flat_md;
  m_copy = src != m_plain_md;
  auto& eng = ctx.engine;
  m_dst = memory(m_flat_md, eng);
  m_diff_plain = memory(m_plain_md, eng, nullptr);
  if (m_copy) {
    m_plain = memory(m_plain_md, eng, m_dst.get_data_handle());
    m_to_plain = dnnl::reorder(dnnl::reorder::primitive_desc(eng, src, eng, m_plain_md));
    m_from_plain = dnnl::reorder(dnnl::reorder::primitive_desc(eng, m_plain_md, eng, src));
    m_diff_src = memory(src, eng);
  } else {
    m_diff_src = memory(src, eng, nullptr);
  }
  return m_flat_md;
}

const memory& flatten::forward(engine_context& ctx, const memory& src, bool) {
  if (m_copy) {
    m_to_plain.execute(ctx.stream, const_cast<memory&>(src), m_plain);
    ctx.stream.wait();
  } else {
    m_dst.set_data_handle(src.get_data_handle());
  }
  return m_dst;
}

const memory& flatten::backward(engine_context& ctx, const memory& diff_dst, bool) {
  m_diff_plain.set_data_handle(diff_dst.get_data_handle());
  if (m_copy) {
    m_from_plain.execute(ctx.stream, m_diff_plain, m_diff_src);
    ctx.stream.wait();
  } else {
    m_diff_src.set_data_handle(diff_dst.get_data_handle());
  }
  return m_diff_src;
}

}  // namespace snncosim::nn
