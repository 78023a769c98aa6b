#pragma once
// One oneDNN CPU engine and stream shared by every layer of a network. Threads come from
// OMP_NUM_THREADS (the Debian oneDNN uses the OpenMP runtime).
#include <cstddef>
#include <cstdlib>
#include <memory>

#include <oneapi/dnnl/dnnl.hpp>

namespace snncosim::nn {

// One scratchpad for every primitive of a network: primitives run one at a time, so the
// largest need is the whole need (a Winograd convolution's transformed tiles take hundreds of
// MB; one buffer per primitive made VGG9 use more memory than snnTorch).
class shared_scratchpad {
 public:
  // Grows the buffer to hold md (configure time). Memories from scratchpad() made before are
  // then invalid, so layers make theirs per execution.
  void reserve(const dnnl::memory::desc& md);
  // md over the shared buffer (reserve(md) must have been called).
  dnnl::memory get(const dnnl::memory::desc& md, const dnnl::engine& engine);

 private:
  struct free_deleter {
    void operator()(void* p) const { std::free(p); }
  };
  std::unique_ptr<void, free_deleter> m_buffer;
  std::size_t m_bytes = 0;
};

struct engine_context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  // Every primitive gets its scratchpad from `scratchpad` (allocated at configure time): the
  // library mode allocates per call, which costs page faults on every mini-batch.
  dnnl::primitive_attr attr = [] {
    dnnl::primitive_attr a;
    a.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    return a;
  }();
  shared_scratchpad scratchpad;
};

// Bytes of one sample row (the outermost dimension) of a memory whose outermost dimension is
// the batch. Layers rely on it to address time step t of a time-major (T*N) batch.
std::size_t row_bytes(const dnnl::memory::desc& md);

// Number of logical (unpadded) elements of a memory descriptor.
std::size_t logical_elements(const dnnl::memory::desc& md);

// Reorders src into dst (both already allocated) and waits.
void reorder_now(engine_context& ctx, const dnnl::memory& src, const dnnl::memory& dst);

}  // namespace snncosim::nn
