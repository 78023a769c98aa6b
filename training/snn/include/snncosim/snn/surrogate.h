#pragma once
// Surrogate gradients by name. Every surrogate sees u = mem - threshold. The forward spike
// of every neuron is snnTorch's strict H(u) = (u > 0); a surrogate only supplies the
// backward factor f'(u). See docs/neurons.md for each formula and its snnTorch source.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace snncosim::snn {

// Parameter name -> value. Missing names take the surrogate's defaults.
using param_map = std::map<std::string, double>;

struct surrogate_spec {
  std::string name = "atan";  // snnTorch's default for every neuron: atan(alpha=2)
  param_map params;           // overrides only; unknown names are rejected
  std::uint64_t seed = 0;     // only stochastic surrogates (sso) use it
};

// The snnTorch forward: strictly greater, so mem == threshold gives no spike.
inline float heaviside_strict(float u) { return u > 0.0f ? 1.0f : 0.0f; }

class surrogate {
 public:
  virtual ~surrogate() = default;
  // f'(u) for one point. Not const: stochastic surrogates advance their generator.
  virtual float grad(float u) = 0;
  // g[i] = f'(u[i]) for n points; implementations override this with an inlined loop.
  virtual void grad(const float* u, float* g, std::size_t n);
  virtual bool stochastic() const { return false; }
  // Restart the generator of a stochastic surrogate (no-op for deterministic ones).
  virtual void reseed(std::uint64_t /*seed*/) {}

  const std::string& name() const { return m_name; }
  const param_map& params() const { return m_params; }  // fully resolved (defaults filled)

 protected:
  surrogate(std::string name, param_map resolved)
      : m_name(std::move(name)), m_params(std::move(resolved)) {}

 private:
  std::string m_name;
  param_map m_params;
};

// Builds a surrogate from fully resolved parameters (defaults already merged, names checked).
using surrogate_factory =
    std::function<std::unique_ptr<surrogate>(const param_map& resolved, std::uint64_t seed)>;

// Convenience form for a user surrogate: a pure function of u and the resolved parameters.
using surrogate_function = std::function<float(float u, const param_map& resolved)>;

struct surrogate_info {
  std::string name;
  param_map defaults;
  std::string formula;  // human-readable backward formula (for --help, docs, inspect)
  std::string origin;   // "snntorch", "spikingjelly" or "user"
  bool stochastic = false;
};

// Register a user surrogate (snnTorch's custom_surrogate). Throws std::invalid_argument if
// the name is already taken. The registry is process-wide (function-local static).
void register_surrogate(const std::string& name, const param_map& defaults,
                        surrogate_factory factory, const std::string& formula = "user");
void register_surrogate(const std::string& name, const param_map& defaults,
                        surrogate_function fn, const std::string& formula = "user");

// Create a surrogate; unknown name or parameter throws snncosim::bad_input naming it and
// listing the valid ones.
std::unique_ptr<surrogate> make_surrogate(const surrogate_spec& spec);

// Merge spec.params over the defaults of spec.name (same validation as make_surrogate).
param_map resolve_surrogate_params(const surrogate_spec& spec);

std::vector<std::string> surrogate_names();  // sorted
const surrogate_info& surrogate_description(const std::string& name);  // bad_input if unknown

}  // namespace snncosim::snn
