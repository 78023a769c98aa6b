// neuron_layer: snnTorch neuron dynamics over n contiguous elements, with a BPTT tape.
// Forward formulas and gradient rules: docs/neurons.md; reference: snn-math.md §2.
// Float evaluation order follows snnTorch so that forward values match bit for bit
// where torch evaluates elementwise in float32.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "snncosim/common/error.h"
#include "snncosim/snn/neuron.h"

namespace snncosim::snn {

namespace {
inline float step01(bool b) { return b ? 1.0f : 0.0f; }
inline float clamp01(float v) { return std::fmin(std::fmax(v, 0.0f), 1.0f); }
inline float in01(float v) { return (v >= 0.0f && v <= 1.0f) ? 1.0f : 0.0f; }
}  // namespace

class neuron_layer::impl {
 public:
  impl(const neuron_config& cfg, std::size_t n, std::size_t max_steps)
      : m_cfg(cfg), m_model(parse_neuron_model(cfg.model)), m_cap(n), m_n(n), m_tmax(max_steps) {
    validate(cfg);
    m_beta = cfg.beta;
    m_threshold = cfg.threshold;
    m_alpha = cfg.alpha;
    m_g = cfg.graded_spikes_factor;
    if (m_model == neuron_model::alpha) m_alpha = clamp01(m_alpha);  // snnTorch clamps at init
    m_sg = make_surrogate(cfg.surrogate);
    if (m_model == neuron_model::lapicque) derive_lapicque_float();
    const bool has_syn = m_model == neuron_model::synaptic || m_model == neuron_model::alpha;
    const bool has_inh = m_model == neuron_model::alpha;
    const bool has_u = !cfg.reset_delay && (m_model == neuron_model::leaky ||
                                            m_model == neuron_model::synaptic);
    m_state_mem.assign(n, 0.0f);
    m_tape_mem.assign(n * max_steps, 0.0f);
    m_carry_mem.assign(n, 0.0f);
    if (has_syn) {
      m_state_syn.assign(n, 0.0f);
      m_tape_syn.assign(n * max_steps, 0.0f);
      m_carry_syn.assign(n, 0.0f);
    }
    if (has_inh) {
      m_state_inh.assign(n, 0.0f);
      m_tape_inh.assign(n * max_steps, 0.0f);
      m_carry_inh.assign(n, 0.0f);
    }
    if (has_u) m_tape_u.assign(n * max_steps, 0.0f);
    m_scratch_u.assign(n, 0.0f);
    m_scratch_g.assign(n, 0.0f);
  }

  // ---- bookkeeping ----
  neuron_config m_cfg;
  neuron_model m_model;
  std::size_t m_cap, m_n, m_tmax;
  std::size_t m_steps = 0;   // forward steps recorded since reset_state
  std::size_t m_back = 0;    // next backward step + 1 (0: none pending)
  bool m_last_was_tape = false;
  float m_beta, m_threshold, m_alpha, m_g;
  float m_d_beta = 0, m_d_threshold = 0, m_d_alpha = 0, m_d_g = 0;
  // Lapicque coefficients as snnTorch evaluates them in float32.
  float m_lap_r = 1, m_lap_inv_rc = 0, m_lap_dt = 1, m_lap_decay = 0;
  std::unique_ptr<surrogate> m_sg;
  std::vector<float> m_state_mem, m_state_syn, m_state_inh;  // initial / inference state
  std::vector<float> m_tape_mem, m_tape_syn, m_tape_inh, m_tape_u;  // slot t: after step t
  std::vector<float> m_carry_mem, m_carry_syn, m_carry_inh;  // dL/dstate_t from step t+1
  std::vector<float> m_scratch_u, m_scratch_g;

  void derive_lapicque_float() {
    const float dt = m_cfg.time_step;
    float r = m_cfg.r, c = m_cfg.c;
    if (m_cfg.beta > 0.0f) {
      const float l = std::log(1.0f / m_cfg.beta);
      if (!(m_cfg.r > 0.0f) && !(m_cfg.c > 0.0f)) {
        r = 1.0f;
        c = dt / (r * l);
      } else if (m_cfg.r > 0.0f) {
        c = dt / (r * l);
      } else {
        r = dt / (c * l);
      }
    }
    m_lap_r = r;
    m_lap_inv_rc = 1.0f / (r * c);
    m_lap_dt = dt;
    m_lap_decay = 1.0f - dt / (r * c);
  }

  float* slot(std::vector<float>& v, std::size_t t) { return v.data() + t * m_cap; }
  const float* prev(std::vector<float>& tape, std::vector<float>& state, std::size_t t) {
    return t == 0 ? state.data() : tape.data() + (t - 1) * m_cap;
  }

  // ---- forward kernels. Outputs may alias the previous state (inference in place). ----
  template <reset_mode R, bool RD>
  void leaky_fwd(const float* x, const float* pm, float* m, float* uo, float* spk) const {
    const float b = clamp01(m_beta), th = m_threshold, g = m_g;
    for (std::size_t i = 0; i < m_n; ++i) {
      const float mp = pm[i];
      const float r = step01(mp > th);
      float u;
      if constexpr (R == reset_mode::subtract) u = (b * mp + x[i]) - r * th;
      else if constexpr (R == reset_mode::zero) u = b * ((1.0f - r) * mp) + x[i];
      else u = b * mp + x[i];
      const float h = step01(u - th > 0.0f);
      spk[i] = g * h;
      if constexpr (!RD && R != reset_mode::none) {
        const float d = (g * h) / g - r;
        if constexpr (R == reset_mode::subtract) m[i] = u - d * th;
        else m[i] = u - d * u;
        if (uo) uo[i] = u;
      } else {
        m[i] = u;
        if (uo) uo[i] = u;
      }
    }
  }

  template <reset_mode R, bool RD>
  void synaptic_fwd(const float* x, const float* pm, const float* ps, float* m, float* s,
                    float* uo, float* spk) const {
    const float b = clamp01(m_beta), a = clamp01(m_alpha), th = m_threshold;
    for (std::size_t i = 0; i < m_n; ++i) {
      const float mp = pm[i];
      const float r = step01(mp > th);
      const float syn = a * ps[i] + x[i];
      const float base = b * mp + syn;
      float u;
      if constexpr (R == reset_mode::subtract) u = base - r * th;
      else if constexpr (R == reset_mode::zero) u = base - r * base;
      else u = base;
      const float h = step01(u - th > 0.0f);
      spk[i] = h;
      s[i] = syn;
      if constexpr (!RD && R != reset_mode::none) {
        const float d = h - r;
        if constexpr (R == reset_mode::subtract) m[i] = u - d * th;
        else m[i] = u - d * u;
      } else {
        m[i] = u;
      }
      if (uo) uo[i] = u;
    }
  }

  template <reset_mode R>
  void lapicque_fwd(const float* x, const float* pm, float* m, float* spk) const {
    const float th = m_threshold, rr = m_lap_r, inv = m_lap_inv_rc, dt = m_lap_dt,
                dec = m_lap_decay;
    for (std::size_t i = 0; i < m_n; ++i) {
      const float mp = pm[i];
      const float r = step01(mp > th);
      const float base = x[i] * rr * inv * dt + dec * mp;
      float v;
      if constexpr (R == reset_mode::subtract) v = base - r * th;
      else if constexpr (R == reset_mode::zero) v = base - r * base;
      else v = base;
      m[i] = v;
      spk[i] = step01(v - th > 0.0f);
    }
  }

  template <reset_mode R>
  void alpha_fwd(const float* x, const float* pm, const float* pe, const float* pi, float* m,
                 float* e_out, float* i_out, float* spk) const {
    const float a = clamp01(m_alpha), b = clamp01(m_beta), th = m_threshold;
    const float tau = std::log(a) / (std::log(b) - std::log(a)) + 1.0f;
    for (std::size_t k = 0; k < m_n; ++k) {
      const float r = step01(pm[k] > th);
      const float pik = pi[k];
      const float e = a * pe[k] + x[k];
      const float in = b * pik - x[k];
      const float mp = tau * (e + in);
      float en, inn, mn;
      if constexpr (R == reset_mode::subtract) {
        en = e - th * r;
        inn = in - in * r;
        mn = mp - (-pik) * r;
      } else if constexpr (R == reset_mode::zero) {
        en = e - e * r;
        inn = in - in * r;
        mn = mp - mp * r;
      } else {
        en = e;
        inn = in;
        mn = mp;
      }
      e_out[k] = en;
      i_out[k] = inn;
      m[k] = mn;
      spk[k] = step01(mn - th > 0.0f);
    }
  }

  template <class F>
  static void dispatch_reset(reset_mode r, F&& f) {
    switch (r) {
      case reset_mode::subtract: f(std::integral_constant<reset_mode, reset_mode::subtract>{}); break;
      case reset_mode::zero: f(std::integral_constant<reset_mode, reset_mode::zero>{}); break;
      case reset_mode::none: f(std::integral_constant<reset_mode, reset_mode::none>{}); break;
    }
  }

  void step(const float* x, const float* pm, const float* ps, const float* pi, float* m,
            float* s, float* in, float* uo, float* spk) {
    const bool rd = m_cfg.reset_delay;
    dispatch_reset(m_cfg.reset, [&](auto rc) {
      constexpr reset_mode R = decltype(rc)::value;
      switch (m_model) {
        case neuron_model::leaky:
          if (rd) leaky_fwd<R, true>(x, pm, m, uo, spk);
          else leaky_fwd<R, false>(x, pm, m, uo, spk);
          break;
        case neuron_model::synaptic:
          if (rd) synaptic_fwd<R, true>(x, pm, ps, m, s, uo, spk);
          else synaptic_fwd<R, false>(x, pm, ps, m, s, uo, spk);
          break;
        case neuron_model::lapicque: lapicque_fwd<R>(x, pm, m, spk); break;
        case neuron_model::alpha: alpha_fwd<R>(x, pm, ps, pi, m, s, in, spk); break;
      }
    });
  }

  void forward(std::size_t t, const float* x, float* spk, float* mem_out) {
    if (t != m_steps)
      throw std::logic_error("neuron_layer::forward: step " + std::to_string(t) +
                             " out of order (expected " + std::to_string(m_steps) + ")");
    if (t >= m_tmax)
      throw std::logic_error("neuron_layer::forward: step " + std::to_string(t) +
                             " beyond max_steps " + std::to_string(m_tmax));
    const float* pm = prev(m_tape_mem, m_state_mem, t);
    const float* ps = m_tape_syn.empty() ? nullptr : prev(m_tape_syn, m_state_syn, t);
    const float* pi = m_tape_inh.empty() ? nullptr : prev(m_tape_inh, m_state_inh, t);
    float* m = slot(m_tape_mem, t);
    float* s = m_tape_syn.empty() ? nullptr : slot(m_tape_syn, t);
    float* in = m_tape_inh.empty() ? nullptr : slot(m_tape_inh, t);
    float* uo = m_tape_u.empty() ? nullptr : slot(m_tape_u, t);
    step(x, pm, ps, pi, m, s, in, uo, spk);
    if (mem_out) std::copy(m, m + m_n, mem_out);
    ++m_steps;
    m_back = m_steps;
    m_last_was_tape = true;
  }

  void forward_inference(const float* x, float* spk, float* mem_out) {
    if (m_last_was_tape && m_steps > 0) {
      // Continue from the recorded state.
      std::copy_n(slot(m_tape_mem, m_steps - 1), m_n, m_state_mem.data());
      if (!m_tape_syn.empty()) std::copy_n(slot(m_tape_syn, m_steps - 1), m_n, m_state_syn.data());
      if (!m_tape_inh.empty()) std::copy_n(slot(m_tape_inh, m_steps - 1), m_n, m_state_inh.data());
    }
    m_last_was_tape = false;
    m_steps = 0;
    m_back = 0;
    float* sm = m_state_mem.data();
    float* ss = m_state_syn.empty() ? nullptr : m_state_syn.data();
    float* si = m_state_inh.empty() ? nullptr : m_state_inh.data();
    step(x, sm, ss, si, sm, ss, si, nullptr, spk);
    if (mem_out) std::copy(sm, sm + m_n, mem_out);
  }

  // ---- backward ----
  void surrogate_at(const float* v) {
    const float th = m_threshold;
    for (std::size_t i = 0; i < m_n; ++i) m_scratch_u[i] = v[i] - th;
    m_sg->grad(m_scratch_u.data(), m_scratch_g.data(), m_n);
  }

  // dL/du for Leaky/Synaptic from G = dL/dm (external + carry) and the spike gradient,
  // with the reset_delay=False correction (spike not detached inside it). Also returns
  // this step's contribution to dL/dθ except the −r·dL/du term of subtract mode.
  template <reset_mode R, bool RD>
  static inline float du_of(float G, float ds, float g, float fp, float u, float r, float th,
                            double& dth) {
    if constexpr (RD || R == reset_mode::none) {
      const float du = G + ds * g * fp;
      dth += -static_cast<double>(ds) * g * fp;
      return du;
    } else {
      const float h = step01(u - th > 0.0f);
      if constexpr (R == reset_mode::subtract) {
        const float du = G * (1.0f - th * fp) + ds * g * fp;
        dth += static_cast<double>(G) * (-(h - r) + th * fp) - static_cast<double>(ds) * g * fp;
        return du;
      } else {
        const float du = G * ((1.0f - h + r) - u * fp) + ds * g * fp;
        dth += static_cast<double>(G) * u * fp - static_cast<double>(ds) * g * fp;
        return du;
      }
    }
  }

  template <reset_mode R, bool RD>
  void leaky_bwd(std::size_t t, const float* d_spk, const float* d_mem, float* d_x) {
    const float* pm = prev(m_tape_mem, m_state_mem, t);
    const float* u = RD ? slot(m_tape_mem, t) : slot(m_tape_u, t);
    surrogate_at(u);
    const float* fp = m_scratch_g.data();
    const float th = m_threshold, g = m_g, b = clamp01(m_beta);
    float* c = m_carry_mem.data();
    double dth = 0, db = 0, dg = 0;
    for (std::size_t i = 0; i < m_n; ++i) {
      const float r = step01(pm[i] > th);
      const float G = (d_mem ? d_mem[i] : 0.0f) + c[i];
      const float du = du_of<R, RD>(G, d_spk[i], g, fp[i], u[i], r, th, dth);
      if constexpr (R == reset_mode::subtract) dth -= static_cast<double>(r) * du;
      const float keep = R == reset_mode::zero ? 1.0f - r : 1.0f;
      d_x[i] = du;
      c[i] = b * keep * du;
      db += static_cast<double>(du) * keep * pm[i];
      dg += static_cast<double>(d_spk[i]) * step01(u[i] - th > 0.0f);
    }
    m_d_threshold += static_cast<float>(dth);
    m_d_beta += static_cast<float>(db) * in01(m_beta);
    m_d_g += static_cast<float>(dg);
  }

  template <reset_mode R, bool RD>
  void synaptic_bwd(std::size_t t, const float* d_spk, const float* d_mem, float* d_x) {
    const float* pm = prev(m_tape_mem, m_state_mem, t);
    const float* ps = prev(m_tape_syn, m_state_syn, t);
    const float* u = RD ? slot(m_tape_mem, t) : slot(m_tape_u, t);
    surrogate_at(u);
    const float* fp = m_scratch_g.data();
    const float th = m_threshold, b = clamp01(m_beta), a = clamp01(m_alpha);
    float* cm = m_carry_mem.data();
    float* cs = m_carry_syn.data();
    double dth = 0, db = 0, da = 0;
    for (std::size_t i = 0; i < m_n; ++i) {
      const float r = step01(pm[i] > th);
      const float G = (d_mem ? d_mem[i] : 0.0f) + cm[i];
      const float du = du_of<R, RD>(G, d_spk[i], 1.0f, fp[i], u[i], r, th, dth);
      if constexpr (R == reset_mode::subtract) dth -= static_cast<double>(r) * du;
      const float dbase = R == reset_mode::zero ? (1.0f - r) * du : du;
      const float dsyn = dbase + cs[i];
      d_x[i] = dsyn;
      cm[i] = b * dbase;
      cs[i] = a * dsyn;
      db += static_cast<double>(dbase) * pm[i];
      da += static_cast<double>(dsyn) * ps[i];
    }
    m_d_threshold += static_cast<float>(dth);
    m_d_beta += static_cast<float>(db) * in01(m_beta);
    m_d_alpha += static_cast<float>(da) * in01(m_alpha);
  }

  template <reset_mode R>
  void lapicque_bwd(std::size_t t, const float* d_spk, const float* d_mem, float* d_x) {
    const float* pm = prev(m_tape_mem, m_state_mem, t);
    const float* m = slot(m_tape_mem, t);
    surrogate_at(m);
    const float* fp = m_scratch_g.data();
    const float th = m_threshold, dec = m_lap_decay;
    const float gain = m_lap_r * m_lap_inv_rc * m_lap_dt;
    float* c = m_carry_mem.data();
    double dth = 0;
    for (std::size_t i = 0; i < m_n; ++i) {
      const float r = step01(pm[i] > th);
      const float A = (d_mem ? d_mem[i] : 0.0f) + c[i] + d_spk[i] * fp[i];
      dth -= static_cast<double>(d_spk[i]) * fp[i];
      if constexpr (R == reset_mode::subtract) dth -= static_cast<double>(r) * A;
      const float dbase = R == reset_mode::zero ? (1.0f - r) * A : A;
      d_x[i] = gain * dbase;
      c[i] = dec * dbase;
    }
    m_d_threshold += static_cast<float>(dth);
  }

  template <reset_mode R>
  void alpha_bwd(std::size_t t, const float* d_spk, const float* d_mem, float* d_x) {
    const float* pm = prev(m_tape_mem, m_state_mem, t);
    const float* pe = prev(m_tape_syn, m_state_syn, t);
    const float* pi = prev(m_tape_inh, m_state_inh, t);
    const float* m = slot(m_tape_mem, t);
    surrogate_at(m);
    const float* fp = m_scratch_g.data();
    const float a = clamp01(m_alpha), b = clamp01(m_beta), th = m_threshold;
    const float la = std::log(a), lb = std::log(b);
    const float tau = la / (lb - la) + 1.0f;
    const double den = (static_cast<double>(lb) - la) * (static_cast<double>(lb) - la);
    const double dtau_da = static_cast<double>(lb) / (den * a);
    const double dtau_db = -static_cast<double>(la) / (den * b);
    float* ce = m_carry_syn.data();
    float* ci = m_carry_inh.data();
    double dth = 0, da = 0, db = 0, dtau = 0;
    for (std::size_t k = 0; k < m_n; ++k) {
      const float r = step01(pm[k] > th);
      const float G = (d_mem ? d_mem[k] : 0.0f) + d_spk[k] * fp[k];
      dth -= static_cast<double>(d_spk[k]) * fp[k];
      const float sum = a * pe[k] + b * pi[k];  // e + i (the input cancels)
      float de, di, extra_i = 0.0f;
      if constexpr (R == reset_mode::zero) {
        de = (1.0f - r) * (ce[k] + tau * G);
        di = (1.0f - r) * (ci[k] + tau * G);
        dtau += static_cast<double>(1.0f - r) * G * sum;
      } else if constexpr (R == reset_mode::subtract) {
        dth -= static_cast<double>(r) * ce[k];
        de = ce[k] + tau * G;
        di = (1.0f - r) * ci[k] + tau * G;
        extra_i = r * G;
        dtau += static_cast<double>(G) * sum;
      } else {
        de = ce[k] + tau * G;
        di = ci[k] + tau * G;
        dtau += static_cast<double>(G) * sum;
      }
      d_x[k] = de - di;
      da += static_cast<double>(de) * pe[k];
      db += static_cast<double>(di) * pi[k];
      ce[k] = a * de;
      ci[k] = b * di + extra_i;
    }
    m_d_threshold += static_cast<float>(dth);
    m_d_alpha += static_cast<float>((da + dtau * dtau_da) * in01(m_alpha));
    m_d_beta += static_cast<float>((db + dtau * dtau_db) * in01(m_beta));
  }

  void backward(std::size_t t, const float* d_spk, const float* d_mem, float* d_x) {
    if (m_back == 0 || t + 1 != m_back)
      throw std::logic_error("neuron_layer::backward: step " + std::to_string(t) +
                             " out of order (call T-1 down to 0 after forward)");
    if (t + 1 == m_steps) {
      std::fill(m_carry_mem.begin(), m_carry_mem.end(), 0.0f);
      std::fill(m_carry_syn.begin(), m_carry_syn.end(), 0.0f);
      std::fill(m_carry_inh.begin(), m_carry_inh.end(), 0.0f);
    }
    const bool rd = m_cfg.reset_delay;
    dispatch_reset(m_cfg.reset, [&](auto rc) {
      constexpr reset_mode R = decltype(rc)::value;
      switch (m_model) {
        case neuron_model::leaky:
          if (rd) leaky_bwd<R, true>(t, d_spk, d_mem, d_x);
          else leaky_bwd<R, false>(t, d_spk, d_mem, d_x);
          break;
        case neuron_model::synaptic:
          if (rd) synaptic_bwd<R, true>(t, d_spk, d_mem, d_x);
          else synaptic_bwd<R, false>(t, d_spk, d_mem, d_x);
          break;
        case neuron_model::lapicque: lapicque_bwd<R>(t, d_spk, d_mem, d_x); break;
        case neuron_model::alpha: alpha_bwd<R>(t, d_spk, d_mem, d_x); break;
      }
    });
    --m_back;
  }

  void reset_state() {
    std::fill(m_state_mem.begin(), m_state_mem.end(), 0.0f);
    std::fill(m_state_syn.begin(), m_state_syn.end(), 0.0f);
    std::fill(m_state_inh.begin(), m_state_inh.end(), 0.0f);
    m_steps = 0;
    m_back = 0;
    m_last_was_tape = false;
  }

  const float* current(std::vector<float>& tape, std::vector<float>& state) {
    if (state.empty()) return nullptr;
    if (m_last_was_tape && m_steps > 0) return slot(tape, m_steps - 1);
    return state.data();
  }
};

neuron_layer::neuron_layer(const neuron_config& cfg, std::size_t n, std::size_t max_steps)
    : m_impl(std::make_unique<impl>(cfg, n, max_steps)) {}
neuron_layer::~neuron_layer() = default;
neuron_layer::neuron_layer(neuron_layer&&) noexcept = default;
neuron_layer& neuron_layer::operator=(neuron_layer&&) noexcept = default;

std::size_t neuron_layer::capacity() const { return m_impl->m_cap; }
std::size_t neuron_layer::size() const { return m_impl->m_n; }
void neuron_layer::set_size(std::size_t n) {
  if (n > m_impl->m_cap)
    throw std::invalid_argument("neuron_layer::set_size: " + std::to_string(n) +
                                " exceeds capacity " + std::to_string(m_impl->m_cap));
  m_impl->m_n = n;
  m_impl->reset_state();
}
std::size_t neuron_layer::max_steps() const { return m_impl->m_tmax; }
const neuron_config& neuron_layer::config() const { return m_impl->m_cfg; }
void neuron_layer::reset_state() { m_impl->reset_state(); }
void neuron_layer::forward(std::size_t t, const float* x, float* spk, float* mem_out) {
  m_impl->forward(t, x, spk, mem_out);
}
void neuron_layer::forward_inference(const float* x, float* spk, float* mem_out) {
  m_impl->forward_inference(x, spk, mem_out);
}
void neuron_layer::backward(std::size_t t, const float* d_spk, const float* d_mem, float* d_x) {
  m_impl->backward(t, d_spk, d_mem, d_x);
}
void neuron_layer::zero_grad() {
  m_impl->m_d_beta = m_impl->m_d_threshold = m_impl->m_d_alpha = m_impl->m_d_g = 0.0f;
}
float neuron_layer::d_beta() const { return m_impl->m_d_beta; }
float neuron_layer::d_threshold() const { return m_impl->m_d_threshold; }
float neuron_layer::d_alpha() const { return m_impl->m_d_alpha; }
float neuron_layer::d_graded_spikes_factor() const { return m_impl->m_d_g; }

std::vector<scalar_parameter> neuron_layer::parameters() {
  std::vector<scalar_parameter> out;
  impl& p = *m_impl;
  if (p.m_cfg.learn_beta) out.push_back({"beta", &p.m_beta, &p.m_d_beta});
  if (p.m_cfg.learn_threshold) out.push_back({"threshold", &p.m_threshold, &p.m_d_threshold});
  if (p.m_cfg.learn_alpha) out.push_back({"alpha", &p.m_alpha, &p.m_d_alpha});
  if (p.m_cfg.learn_graded_spikes_factor)
    out.push_back({"graded_spikes_factor", &p.m_g, &p.m_d_g});
  return out;
}

float neuron_layer::beta() const { return m_impl->m_beta; }
float neuron_layer::threshold() const { return m_impl->m_threshold; }
float neuron_layer::alpha() const { return m_impl->m_alpha; }
float neuron_layer::graded_spikes_factor() const { return m_impl->m_g; }
void neuron_layer::set_beta(float v) { m_impl->m_beta = v; }
void neuron_layer::set_threshold(float v) { m_impl->m_threshold = v; }
void neuron_layer::set_alpha(float v) { m_impl->m_alpha = v; }
void neuron_layer::set_graded_spikes_factor(float v) { m_impl->m_g = v; }

const float* neuron_layer::mem() const {
  return m_impl->current(m_impl->m_tape_mem, m_impl->m_state_mem);
}
const float* neuron_layer::syn() const {
  return m_impl->current(m_impl->m_tape_syn, m_impl->m_state_syn);
}
const float* neuron_layer::syn_inh() const {
  return m_impl->current(m_impl->m_tape_inh, m_impl->m_state_inh);
}
surrogate& neuron_layer::spike_surrogate() { return *m_impl->m_sg; }

}  // namespace snncosim::snn
