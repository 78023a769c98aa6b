#pragma once
// Turns on quantization-aware training for a trainer when the experiment asks for it
// (quantization.qat: true). Used by `snncosim train`.
#include <memory>

#include "snncosim/export/fake_quant.h"

namespace snncosim::export_ {

// Returns the installed quantizer (keep it alive while training), or null when QAT is off.
std::unique_ptr<fake_quantizer> enable_qat(const config::document& experiment, nn::network& net,
                                           nn::trainer_options& options);

}  // namespace snncosim::export_
