// snnTorch losses (functional/loss.py) and accuracy (functional/acc.py) with gradients.
// Sums are accumulated in double; results are returned as double.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "snncosim/common/error.h"
#include "snncosim/snn/loss.h"

namespace snncosim::snn {

namespace {

std::size_t classes_of(const spike_shape& s, std::size_t num_classes) {
  if (num_classes == 0) return s.outputs;
  if (s.outputs % num_classes != 0)
    throw bad_input("population code: " + std::to_string(s.outputs) +
                    " outputs are not divisible by " + std::to_string(num_classes) + " classes");
  return num_classes;
}

void check_targets(const spike_shape& s, const std::int32_t* targets, std::size_t k) {
  for (std::size_t b = 0; b < s.batch; ++b)
    if (targets[b] < 0 || static_cast<std::size_t>(targets[b]) >= k)
      throw bad_input("target of sample " + std::to_string(b) + " is " +
                      std::to_string(targets[b]) + ", outside [0, " + std::to_string(k) + ")");
}

// count[b][k]: spikes summed over time and over the contiguous population of class k
// (neurons floor(N*k/K) .. floor(N*(k+1)/K)-1, as snnTorch's _population_code slices).
// Each count is summed in a register in the order t, b, n (an add through memory per element
// waited on the store before it: about 3 % of fc's inference).
std::vector<double> counts(const float* spk, const spike_shape& s, std::size_t k) {
  std::vector<double> c(s.batch * k, 0.0);
  for (std::size_t t = 0; t < s.steps; ++t)
    for (std::size_t b = 0; b < s.batch; ++b) {
      const float* row = spk + (t * s.batch + b) * s.outputs;
      double* cb = c.data() + b * k;
      for (std::size_t c_ = 0; c_ < k; ++c_) {
        double acc = cb[c_];
        for (std::size_t n = s.outputs * c_ / k; n < s.outputs * (c_ + 1) / k; ++n) acc += row[n];
        cb[c_] = acc;
      }
    }
  return c;
}

// Broadcast a per-(b, class) gradient to every t and every neuron of the class.
void broadcast(const std::vector<double>& g, const spike_shape& s, std::size_t k, float* d) {
  for (std::size_t t = 0; t < s.steps; ++t)
    for (std::size_t b = 0; b < s.batch; ++b) {
      float* row = d + (t * s.batch + b) * s.outputs;
      for (std::size_t c_ = 0; c_ < k; ++c_) {
        const float v = static_cast<float>(g[b * k + c_]);
        for (std::size_t n = s.outputs * c_ / k; n < s.outputs * (c_ + 1) / k; ++n) row[n] = v;
      }
    }
}

// -log_softmax(z)[y] and softmax(z) (stable: shift by the max).
double cross_entropy(const double* z, std::size_t k, std::int32_t y, double* softmax) {
  double mx = z[0];
  for (std::size_t i = 1; i < k; ++i) mx = std::max(mx, z[i]);
  double sum = 0.0;
  for (std::size_t i = 0; i < k; ++i) sum += std::exp(z[i] - mx);
  const double lse = mx + std::log(sum);
  if (softmax)
    for (std::size_t i = 0; i < k; ++i) softmax[i] = std::exp(z[i] - lse);
  return lse - z[y];
}

void check_shape(const spike_shape& s) {
  if (s.steps == 0 || s.batch == 0 || s.outputs == 0)
    throw bad_input("loss: empty spike tensor [T=" + std::to_string(s.steps) +
                    ", B=" + std::to_string(s.batch) + ", N=" + std::to_string(s.outputs) + "]");
}

}  // namespace

count_targets mse_count_targets(const spike_shape& s, const mse_count_options& o) {
  const double t = static_cast<double>(s.steps);
  if (o.num_classes == 0)
    return {static_cast<long>(t * o.correct_rate), static_cast<long>(t * o.incorrect_rate)};
  const double per = static_cast<double>(s.outputs) / static_cast<double>(o.num_classes);
  return {static_cast<long>(t * o.correct_rate * per),
          static_cast<long>(t * o.incorrect_rate * per)};
}

double mse_count_loss(const float* spk, const spike_shape& s, const std::int32_t* targets,
                      const mse_count_options& o, float* d_spk) {
  check_shape(s);
  if (o.correct_rate < 0 || o.correct_rate > 1 || o.incorrect_rate < 0 || o.incorrect_rate > 1)
    throw bad_input("mse_count_loss: correct_rate and incorrect_rate must be in [0, 1]");
  const std::size_t k = classes_of(s, o.num_classes);
  check_targets(s, targets, k);
  const count_targets tg = mse_count_targets(s, o);
  // targets_convert: clamp(onehot * on, min = off)
  const double on = std::max(static_cast<double>(tg.on), static_cast<double>(tg.off));
  const double off = std::max(0.0, static_cast<double>(tg.off));
  const std::vector<double> c = counts(spk, s, k);
  std::vector<double> g(c.size());
  double loss = 0.0;
  const double denom = static_cast<double>(s.batch * k);
  const double steps = static_cast<double>(s.steps);
  for (std::size_t b = 0; b < s.batch; ++b)
    for (std::size_t j = 0; j < k; ++j) {
      const double diff = c[b * k + j] - (static_cast<std::size_t>(targets[b]) == j ? on : off);
      loss += diff * diff;
      g[b * k + j] = 2.0 * diff / (denom * steps);
    }
  if (d_spk) broadcast(g, s, k, d_spk);
  return loss / denom / steps;
}

double ce_rate_loss(const float* spk, const spike_shape& s, const std::int32_t* targets,
                    float* d_spk) {
  check_shape(s);
  check_targets(s, targets, s.outputs);
  std::vector<double> z(s.outputs), p(s.outputs);
  double loss = 0.0;
  const double scale = 1.0 / static_cast<double>(s.steps * s.batch);
  for (std::size_t t = 0; t < s.steps; ++t)
    for (std::size_t b = 0; b < s.batch; ++b) {
      const std::size_t off = (t * s.batch + b) * s.outputs;
      for (std::size_t n = 0; n < s.outputs; ++n) z[n] = spk[off + n];
      loss += cross_entropy(z.data(), s.outputs, targets[b], d_spk ? p.data() : nullptr);
      if (d_spk)
        for (std::size_t n = 0; n < s.outputs; ++n)
          d_spk[off + n] = static_cast<float>(
              (p[n] - (static_cast<std::size_t>(targets[b]) == n ? 1.0 : 0.0)) * scale);
    }
  return loss * scale;
}

double ce_count_loss(const float* spk, const spike_shape& s, const std::int32_t* targets,
                     std::size_t num_classes, float* d_spk) {
  check_shape(s);
  const std::size_t k = classes_of(s, num_classes);
  check_targets(s, targets, k);
  const std::vector<double> c = counts(spk, s, k);
  std::vector<double> g(c.size()), p(k);
  double loss = 0.0;
  const double inv_b = 1.0 / static_cast<double>(s.batch);
  for (std::size_t b = 0; b < s.batch; ++b) {
    loss += cross_entropy(c.data() + b * k, k, targets[b], p.data());
    for (std::size_t j = 0; j < k; ++j)
      g[b * k + j] = (p[j] - (static_cast<std::size_t>(targets[b]) == j ? 1.0 : 0.0)) * inv_b;
  }
  if (d_spk) broadcast(g, s, k, d_spk);
  return loss * inv_b;
}

double mse_membrane_loss(const float* mem, const spike_shape& s, const std::int32_t* targets,
                         double on_target, double off_target, float* d_mem) {
  check_shape(s);
  check_targets(s, targets, s.outputs);
  // targets_convert: clamp(onehot * on, min = off), so a negative off_target becomes 0.
  const double on = std::max(on_target, off_target);
  const double off = std::max(0.0, off_target);
  const double per_step = static_cast<double>(s.batch * s.outputs);
  const double steps = static_cast<double>(s.steps);
  double loss = 0.0;
  for (std::size_t t = 0; t < s.steps; ++t)
    for (std::size_t b = 0; b < s.batch; ++b) {
      const std::size_t o = (t * s.batch + b) * s.outputs;
      for (std::size_t n = 0; n < s.outputs; ++n) {
        const double diff = mem[o + n] - (static_cast<std::size_t>(targets[b]) == n ? on : off);
        loss += diff * diff;
        if (d_mem) d_mem[o + n] = static_cast<float>(2.0 * diff / (per_step * steps));
      }
    }
  return loss / per_step / steps;
}

void predict_classes(const float* spk, const spike_shape& s, std::size_t num_classes,
                     std::int32_t* pred) {
  check_shape(s);
  const std::size_t k = classes_of(s, num_classes);
  const std::vector<double> c = counts(spk, s, k);
  for (std::size_t b = 0; b < s.batch; ++b) {
    std::size_t best = 0;
    for (std::size_t j = 1; j < k; ++j)
      if (c[b * k + j] > c[b * k + best]) best = j;  // strict: first index wins ties
    pred[b] = static_cast<std::int32_t>(best);
  }
}

double accuracy_rate(const float* spk, const spike_shape& s, const std::int32_t* targets,
                     std::size_t num_classes) {
  std::vector<std::int32_t> pred(s.batch);
  predict_classes(spk, s, num_classes, pred.data());
  std::size_t ok = 0;
  for (std::size_t b = 0; b < s.batch; ++b) ok += pred[b] == targets[b] ? 1 : 0;
  return static_cast<double>(ok) / static_cast<double>(s.batch);
}

double spike_count_regularizer(const float* spk, const spike_shape& s, double weight,
                               regularizer_reduction reduction, float* d_spk_accumulate) {
  check_shape(s);
  double sum = 0.0;
  const std::size_t total = s.size();
  for (std::size_t i = 0; i < total; ++i) sum += spk[i];
  const double denom = reduction == regularizer_reduction::per_sample
                           ? static_cast<double>(s.batch)
                           : static_cast<double>(total);
  if (d_spk_accumulate) {
    const float g = static_cast<float>(weight / denom);
    for (std::size_t i = 0; i < total; ++i) d_spk_accumulate[i] += g;
  }
  return weight * sum / denom;
}

}  // namespace snncosim::snn
