#pragma once
// The integer neuron of numerics version 1 (docs/numerics.md §3-5): the arithmetic helpers
// every implementation (integer inference, TLM model, RTL testbench) must share, the
// per-layer integer neuron parameters, their derivation from a float snnTorch neuron, and
// the per-neuron activate step. Pure functions on plain integers: no allocation, no state.
#include <cstdint>
#include <string>
#include <vector>

namespace snncosim::numerics {

// Bumped whenever any rule in docs/numerics.md changes the integer results.
inline constexpr int numerics_version = 1;

// ---- arithmetic primitives (docs/numerics.md §2) -------------------------------------

// Largest / smallest value of a two's complement integer of `bits` bits (1..63).
constexpr std::int64_t max_of_bits(int bits) { return (std::int64_t{1} << (bits - 1)) - 1; }
constexpr std::int64_t min_of_bits(int bits) { return -(std::int64_t{1} << (bits - 1)); }

// Clamps v into [min_of_bits(bits), max_of_bits(bits)].
constexpr std::int64_t saturate(std::int64_t v, int bits) {
  const std::int64_t hi = max_of_bits(bits);
  const std::int64_t lo = min_of_bits(bits);
  return v > hi ? hi : (v < lo ? lo : v);
}

// Fixed-point product with rounding: floor((a*b + 2^(f-1)) / 2^f), i.e. an arithmetic right
// shift after adding half an LSB ("round half up": ties go towards +infinity, so -2.5 -> -2).
// f = 0 gives the plain product. |a|,|b| < 2^31 keeps the product inside int64.
constexpr std::int64_t mul_round_shift(std::int64_t a, std::int64_t b, int f) {
  const std::int64_t p = a * b;
  if (f == 0) return p;
  // >> of a negative int64 is an arithmetic shift in C++20.
  return (p + (std::int64_t{1} << (f - 1))) >> f;
}

// Conversion-time rounding of a real number to an integer: round half to even (IEEE default,
// std::nearbyint in FE_TONEAREST, torch.round). Throws std::domain_error on NaN/inf.
std::int64_t round_half_even(double v);

// ---- float neuron (what training used) -------------------------------------------------

enum class neuron_model { leaky, lapicque };
enum class float_reset { subtract, zero, none };

// The subset of snnTorch's neuron arguments that determines the forward dynamics.
struct float_neuron {
  neuron_model model = neuron_model::leaky;
  double beta = 0.5;        // Leaky: clamp(beta, 0, 1). Lapicque: <= 0 means "not given"
  double threshold = 1.0;   // spike when mem - threshold > 0
  float_reset reset = float_reset::subtract;
  bool reset_delay = true;  // Leaky only; Lapicque always delays
  double r = 0.0;           // Lapicque R, <= 0: not given
  double c = 0.0;           // Lapicque C, <= 0: not given
  double time_step = 1.0;   // Lapicque time step
};

// The float update m_t = decay * m_{t-1} + input_gain * x_t (before reset) of a neuron.
struct float_coefficients {
  double decay;
  double input_gain;
};
// Leaky: (clamp(beta,0,1), 1). Lapicque: snnTorch's _lapicque_cases (beta only: 1+ln beta,
// -ln beta). Throws bad_input for an impossible configuration (Lapicque without beta and
// without both R and C, beta <= 0 with nothing else, ...).
float_coefficients derive_coefficients(const float_neuron& n);

const char* to_string(neuron_model m);
const char* to_string(float_reset r);
neuron_model parse_neuron_model(const std::string& s);  // bad_input on unknown names
float_reset parse_float_reset(const std::string& s);

// ---- integer neuron (what the hardware computes) --------------------------------------

// How the reset flag r_t = (m_{t-1} > threshold) acts (docs/numerics.md §4).
enum class reset_kind {
  none,          // u = D + I
  subtract,      // u = D + I - r*reset_amount
  zero_decayed,  // u = (r ? 0 : D) + I      (snnTorch Leaky "zero": only the old mem is zeroed)
  zero_all,      // u = r ? 0 : (D + I)      (snnTorch Lapicque "zero": the new value is zeroed)
};
const char* to_string(reset_kind k);
reset_kind parse_reset_kind(const std::string& s);

// Datapath widths of one layer engine (docs/numerics.md §1).
struct datapath_widths {
  int weight_bits = 8;     // 4, 8 or 16; symmetric range [-(2^(b-1)-1), 2^(b-1)-1]
  int acc_bits = 24;       // accumulator and bias register, saturating, 2..32
  int mem_bits = 32;       // membrane register, saturating, 2..32
  int frac_bits = 16;      // fraction bits of the decay and gain multipliers (Q.frac_bits), 0..30
  int mem_frac_bits = 8;   // membrane LSB = max weight scale / 2^mem_frac_bits (conversion only), 0..24
};
// Throws bad_input naming the field when a width is out of range.
void validate(const datapath_widths& w);

// Integer neuron parameters shared by all neurons of a layer (gain and bias are per channel
// and live in the layer). All values are in the units of docs/numerics.md §3.
struct neuron_params {
  reset_kind reset = reset_kind::subtract;
  bool reset_delay = true;        // false: snnTorch Leaky reset_delay=False (same-step correction)
  std::int32_t decay = 0;         // signed Q.frac_bits multiplier of the old membrane
  std::int32_t threshold = 0;     // spike when mem > threshold (membrane units)
  std::int32_t reset_amount = 0;  // subtracted by the subtract reset (membrane units)
};

// Result of one activate step of one neuron.
struct step_result {
  std::int32_t mem;  // stored membrane m_t (what the next step reads)
  bool spike;        // s_t
};

// One activate step (docs/numerics.md §4), exactly:
//   r = mem_prev > threshold
//   x = sat_acc(acc + bias)
//   D = mul_round_shift(decay, mem_prev, f);  I = mul_round_shift(gain, x, f)
//   u = by reset kind (see reset_kind), then v = sat_mem(u)
//   s = v > threshold
//   reset_delay: m = v;  otherwise subtract: m = sat_mem(v - (s - r)*reset_amount),
//                        zero_*: m = sat_mem(v * (1 - s + r)), none: m = v
// `acc` is the saturated sum of this step's weights (docs/numerics.md §5).
step_result neuron_step(const neuron_params& p, const datapath_widths& w, std::int32_t gain,
                        std::int32_t bias, std::int32_t acc, std::int32_t mem_prev);

// Saturating add of one weight into an accumulator (the accumulate phase).
constexpr std::int32_t accumulate(std::int32_t acc, std::int32_t weight, int acc_bits) {
  return static_cast<std::int32_t>(saturate(std::int64_t{acc} + weight, acc_bits));
}

// ---- float -> integer conversion (docs/numerics.md §3) --------------------------------

// Everything the integer neuron of one layer needs, derived from its float description.
struct integer_neuron {
  neuron_params params;
  double membrane_scale = 1.0;     // real value of one membrane LSB
  std::vector<std::int32_t> gain;  // per output channel, Q.frac_bits
};

// weight_scale: one entry per output channel (or one for the whole tensor); membrane LSB =
// max(weight_scale) / 2^mem_frac_bits; gain[c] = rhe(input_gain * weight_scale[c] /
// membrane_scale * 2^f); decay = rhe(decay * 2^f); threshold = floor(theta / membrane_scale);
// reset_amount = rhe(theta / membrane_scale). Throws bad_input when a value does not fit.
integer_neuron convert_neuron(const float_neuron& n, const datapath_widths& w,
                              const std::vector<double>& weight_scale, int out_channels);

}  // namespace snncosim::numerics
