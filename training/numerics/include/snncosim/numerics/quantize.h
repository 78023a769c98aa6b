#pragma once
// Weight and bias quantization and BatchNorm folding (docs/numerics.md §3).
// Symmetric, zero point 0; scales are calibrated from the weights (max-abs), per tensor or
// per output channel. Conversion rounding is round half to even.
#include <cstdint>
#include <vector>

namespace snncosim::numerics {

enum class scale_granularity { per_tensor, per_channel };

struct quantized_weights {
  std::vector<std::int32_t> values;  // same layout as the float weights ([O][...] row-major)
  std::vector<double> scale;         // 1 entry (per tensor) or O entries (per channel)
};

// Largest magnitude of a `bits`-bit symmetric weight: 2^(bits-1) - 1 (7, 127, 32767).
std::int32_t weight_qmax(int bits);

// Max-abs calibration: scale = max|w| / qmax over the tensor or over each output channel
// (the `weights.size() / out_channels` consecutive values of channel o); an all-zero group
// gets scale 1. bits must be 4, 8 or 16 (else bad_input).
std::vector<double> calibrate_scale(const std::vector<float>& weights, int out_channels, int bits,
                                    scale_granularity g);

// q = clamp(rhe(w / scale[channel]), -qmax, qmax), computed in double.
quantized_weights quantize_weights(const std::vector<float>& weights, int out_channels, int bits,
                                   const std::vector<double>& scale);
quantized_weights quantize_weights(const std::vector<float>& weights, int out_channels, int bits,
                                   scale_granularity g);

// Bias in accumulator units: b_q[o] = sat_acc(rhe(b[o] / scale[o or 0])).
std::vector<std::int32_t> quantize_bias(const std::vector<float>& bias, const std::vector<double>& scale,
                                        int acc_bits);

// Real value of a quantized weight: q * scale[channel] (what QAT's fake-quant produces).
std::vector<float> dequantize_weights(const quantized_weights& q, int out_channels);

// BatchNorm (eval mode) after a conv/linear, folded into it (float, before quantization):
//   k[o] = gamma[o] / sqrt(var[o] + eps)
//   w'[o,...] = w[o,...] * k[o],  b'[o] = (b[o] - mean[o]) * k[o] + beta[o]
// `bias` may be empty (layer without bias). Computed in double, stored as float.
struct folded_layer {
  std::vector<float> weights;
  std::vector<float> bias;
};
folded_layer fold_batch_norm(const std::vector<float>& weights, const std::vector<float>& bias,
                             const std::vector<float>& gamma, const std::vector<float>& beta,
                             const std::vector<float>& running_mean, const std::vector<float>& running_var,
                             double eps);

}  // namespace snncosim::numerics
