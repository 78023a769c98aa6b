#include "snncosim/export/qat.h"

#include <spdlog/spdlog.h>

#include "snncosim/export/settings.h"

namespace snncosim::export_ {

std::unique_ptr<fake_quantizer> enable_qat(const config::document& experiment, nn::network& net,
                                           nn::trainer_options& options) {
  const quantization_settings q = quantization_from_yaml(experiment);
  if (!q.qat) return nullptr;
  auto fq = std::make_unique<fake_quantizer>(net, q);
  attach(*fq, options);
  spdlog::info("quantization-aware training: {} weight tensors fake-quantized to {} bits ({}, max-abs scale "
               "recomputed every step, straight-through estimator)",
               fq->tensors(), q.widths.weight_bits, q.per_channel ? "per channel" : "per tensor");
  return fq;
}

}  // namespace snncosim::export_
