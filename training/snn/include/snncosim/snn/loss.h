#pragma once
// snnTorch losses and accuracy on output spikes spk[T][B][N] (contiguous, t slowest).
// Each loss returns the value (double) and, when the gradient pointer is non-null, writes
// dL/dspk (or dL/dmem) of the same [T][B][N] shape (overwrites). Targets are class indices.
// num_classes = 0 means no population code; otherwise N % num_classes must be 0 and the
// neurons of class c are the contiguous block [N*c/C, N*(c+1)/C).
#include <cstddef>
#include <cstdint>

namespace snncosim::snn {

struct spike_shape {
  std::size_t steps = 0;    // T
  std::size_t batch = 0;    // B
  std::size_t outputs = 0;  // N
  std::size_t size() const { return steps * batch * outputs; }
};

struct mse_count_options {
  double correct_rate = 1.0;    // snnTorch default 1
  double incorrect_rate = 0.0;  // snnTorch default 0 (its docstring's "1" is wrong)
  std::size_t num_classes = 0;  // population code when > 0
};

// Spike-count targets as snnTorch computes them: int() truncation of double products.
struct count_targets {
  long on;
  long off;
};
count_targets mse_count_targets(const spike_shape& shape, const mse_count_options& opt);

// L = mean_{b,k} (count[b,k] - target[b,k])^2 / T.
double mse_count_loss(const float* spk, const spike_shape& shape, const std::int32_t* targets,
                      const mse_count_options& opt, float* d_spk);

// L = (1/T) sum_t mean_b[-log_softmax(spk[t,b,:])[y_b]]  (no population code: snnTorch crashes).
double ce_rate_loss(const float* spk, const spike_shape& shape, const std::int32_t* targets,
                    float* d_spk);

// L = mean_b[-log_softmax(count[b,:])[y_b]], count over time (and population); not / T.
double ce_count_loss(const float* spk, const spike_shape& shape, const std::int32_t* targets,
                     std::size_t num_classes, float* d_spk);

// L = (1/T) sum_t mean_{b,n}(mem[t,b,n] - target)^2, target on_target for n == y_b else off.
double mse_membrane_loss(const float* mem, const spike_shape& shape, const std::int32_t* targets,
                         double on_target, double off_target, float* d_mem);

// Fraction of the batch whose argmax count (first index on ties) equals the target.
double accuracy_rate(const float* spk, const spike_shape& shape, const std::int32_t* targets,
                     std::size_t num_classes);
// Predicted class per sample (first index on ties); pred has shape.batch entries.
void predict_classes(const float* spk, const spike_shape& shape, std::size_t num_classes,
                     std::int32_t* pred);

// Sparsity regulariser on any layer's spikes [T][B][N]:
//   per_sample: L = weight * sum(spk) / B     (spikes per sample)
//   mean_rate:  L = weight * sum(spk) / (T*B*N)
// ADDS its gradient into d_spk (a hidden layer also receives gradient from above).
enum class regularizer_reduction { per_sample, mean_rate };
double spike_count_regularizer(const float* spk, const spike_shape& shape, double weight,
                               regularizer_reduction reduction, float* d_spk_accumulate);

}  // namespace snncosim::snn
