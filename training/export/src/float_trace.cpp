#include "snncosim/export/float_trace.h"

#include <cstring>

#include "snncosim/nn/engine.h"
#include "snncosim/nn/network.h"

namespace snncosim::export_ {

using dnnl::memory;

float_activations run_float_layers(nn::network& net, const float* frames) {
  // The same sequence as network::forward, keeping each layer's output: layers prefer
  // blocked layouts, so every output is reordered into plain nchw / nc.
  const nn::network_spec& spec = net.spec();
  const nn::batch_geometry g = net.geometry();
  auto& ctx = net.context();
  float_activations out;
  out.time_steps = g.time_steps;
  out.batch = g.batch;
  const memory::desc in_md({g.rows(), spec.in_channels, spec.in_height, spec.in_width}, memory::data_type::f32,
                           memory::format_tag::nchw);
  memory input(in_md, ctx.engine, const_cast<float*>(frames));
  const memory* x = &input;
  for (auto& l : net.layers()) {
    x = &l->forward(ctx, *x, false);
    const memory::desc md = x->get_desc();
    const memory::dims dims = md.dims();
    const auto tag = dims.size() == 4 ? memory::format_tag::nchw : memory::format_tag::nc;
    const memory::desc plain_md(dims, memory::data_type::f32, tag);
    const std::size_t elements = nn::logical_elements(plain_md);
    std::vector<float> plain(elements);
    memory plain_mem(plain_md, ctx.engine, plain.data());
    nn::reorder_now(ctx, *x, plain_mem);
    out.features.push_back(elements / static_cast<std::size_t>(g.rows()));
    out.outputs.push_back(std::move(plain));
  }
  return out;
}

}  // namespace snncosim::export_
