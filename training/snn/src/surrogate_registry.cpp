// The process-wide surrogate registry: built-in snnTorch and SpikingJelly surrogates plus
// user registrations. Name lookup is case-insensitive (snnTorch spells SFS/SSO/LSO in caps).
#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

#include "builtin_surrogates.h"
#include "snncosim/common/error.h"
#include "snncosim/snn/surrogate.h"

namespace snncosim::snn {

void surrogate::grad(const float* u, float* g, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) g[i] = grad(u[i]);
}

namespace {

struct entry {
  surrogate_info info;
  surrogate_factory factory;
};

struct registry {
  std::mutex mutex;
  std::map<std::string, entry> entries;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

registry& the_registry() {
  static registry reg;
  static std::once_flag once;
  std::call_once(once, [] {
    for (auto& b : detail::builtin_surrogates()) {
      surrogate_info info{b.name, b.defaults, b.formula, b.origin, b.stochastic};
      reg.entries.emplace(b.name, entry{std::move(info), std::move(b.factory)});
    }
  });
  return reg;
}

std::string join_keys(const std::map<std::string, entry>& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k;
  return out;
}

std::string join_params(const param_map& m) {
  if (m.empty()) return "(none)";
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k;
  return out;
}

const entry& find_entry(registry& reg, const std::string& name) {
  const auto it = reg.entries.find(lower(name));
  if (it == reg.entries.end())
    throw bad_input("surrogate '" + name + "': unknown surrogate; valid: " + join_keys(reg.entries));
  return it->second;
}

param_map resolve(const entry& e, const surrogate_spec& spec) {
  param_map out = e.info.defaults;
  for (const auto& [k, v] : spec.params) {
    const auto it = out.find(k);
    if (it == out.end())
      throw bad_input("surrogate '" + e.info.name + "': unknown parameter '" + k +
                      "'; valid: " + join_params(e.info.defaults));
    it->second = v;
  }
  return out;
}

}  // namespace

void register_surrogate(const std::string& name, const param_map& defaults,
                        surrogate_factory factory, const std::string& formula) {
  auto& reg = the_registry();
  const std::lock_guard lock(reg.mutex);
  const std::string key = lower(name);
  if (key.empty()) throw std::invalid_argument("register_surrogate: empty name");
  if (reg.entries.count(key) != 0)
    throw std::invalid_argument("register_surrogate: '" + name + "' is already registered");
  reg.entries.emplace(key, entry{surrogate_info{key, defaults, formula, "user", false},
                                 std::move(factory)});
}

namespace {
class function_surrogate final : public surrogate {
 public:
  function_surrogate(std::string name, param_map p, surrogate_function fn)
      : surrogate(std::move(name), std::move(p)), m_fn(std::move(fn)) {}
  float grad(float u) override { return m_fn(u, params()); }
  using surrogate::grad;

 private:
  surrogate_function m_fn;
};
}  // namespace

void register_surrogate(const std::string& name, const param_map& defaults,
                        surrogate_function fn, const std::string& formula) {
  const std::string key = lower(name);
  register_surrogate(
      name, defaults,
      surrogate_factory([key, fn](const param_map& p, std::uint64_t) -> std::unique_ptr<surrogate> {
        return std::make_unique<function_surrogate>(key, p, fn);
      }),
      formula);
}

param_map resolve_surrogate_params(const surrogate_spec& spec) {
  auto& reg = the_registry();
  const std::lock_guard lock(reg.mutex);
  return resolve(find_entry(reg, spec.name), spec);
}

std::unique_ptr<surrogate> make_surrogate(const surrogate_spec& spec) {
  auto& reg = the_registry();
  surrogate_factory factory;
  param_map resolved;
  {
    const std::lock_guard lock(reg.mutex);
    const entry& e = find_entry(reg, spec.name);
    resolved = resolve(e, spec);
    factory = e.factory;
  }
  return factory(resolved, spec.seed);
}

std::vector<std::string> surrogate_names() {
  auto& reg = the_registry();
  const std::lock_guard lock(reg.mutex);
  std::vector<std::string> out;
  for (const auto& [k, v] : reg.entries) out.push_back(k);
  return out;
}

const surrogate_info& surrogate_description(const std::string& name) {
  auto& reg = the_registry();
  const std::lock_guard lock(reg.mutex);
  return find_entry(reg, name).info;
}

}  // namespace snncosim::snn
