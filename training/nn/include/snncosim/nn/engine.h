#pragma once
// One oneDNN CPU engine and stream shared by every layer of a network. Threads come from
// OMP_NUM_THREADS (the Debian oneDNN uses the OpenMP runtime).
#include <oneapi/dnnl/dnnl.hpp>

namespace snncosim::nn {

struct engine_context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  // Every primitive gets its scratchpad from its layer (allocated once at configure time):
  // the library mode allocates per call, which costs page faults on every mini-batch.
  dnnl::primitive_attr attr = [] {
    dnnl::primitive_attr a;
    a.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    return a;
  }();
};

// Bytes of one sample row (the outermost dimension) of a memory whose outermost dimension is
// the batch. Layers rely on it to address time step t of a time-major (T*N) batch.
std::size_t row_bytes(const dnnl::memory::desc& md);

// Number of logical (unpadded) elements of a memory descriptor.
std::size_t logical_elements(const dnnl::memory::desc& md);

// Reorders src into dst (both already allocated) and waits.
void reorder_now(engine_context& ctx, const dnnl::memory& src, const dnnl::memory& dst);

}  // namespace snncosim::nn
