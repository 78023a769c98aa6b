// neuron_layer: snnTorch neuron dynamics over n contiguous elements, with a BPTT tape.
// Forward formulas and gradient rules: docs/neurons.md (snnTorch 0.9.4 semantics).
// Float evaluation order follows snnTorch so that forward values match bit for bit
// where torch evaluates elementwise in float32.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <omp.h>

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
    // One chunk of scratch per thread (threads beyond this count are not used).
    m_slots = static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
    m_scratch_u.assign(m_slots * k_chunk, 0.0f);
    m_scratch_g.assign(m_slots * k_chunk, 0.0f);
    if (wants_param_grads()) {
      for (auto& v : m_gr) v.assign(m_slots * k_chunk, 0.0f);
      m_part.assign(((n + k_chunk - 1) / k_chunk) * 4, 0.0);
    }
  }

  static constexpr std::size_t k_chunk = 1024;  // backward chunk (elements): 4 KiB per buffer

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
  std::vector<float> m_gr[3];  // per-element parameter-gradient terms (learnable params only)
  std::vector<double> m_part;  // per-chunk sums: threshold, beta, alpha, graded factor
  std::size_t m_slots = 1;     // threads with their own scratch chunk

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
  // U: record the pre-reset value u (reset_delay=False backward needs it). Template flags
  // keep the loops free of branches so they vectorise.
  template <reset_mode R, bool RD, bool U>
  void leaky_fwd(std::size_t len, const float* x, const float* pm, float* m, float* uo, float* spk) const {
    const float b = clamp01(m_beta), th = m_threshold, g = m_g;
    for (std::size_t i = 0; i < len; ++i) {
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
      } else {
        m[i] = u;
      }
      if constexpr (U) uo[i] = u;
    }
  }

  template <reset_mode R, bool RD, bool U>
  void synaptic_fwd(std::size_t len, const float* x, const float* pm, const float* ps, float* m, float* s,
                    float* uo, float* spk) const {
    const float b = clamp01(m_beta), a = clamp01(m_alpha), th = m_threshold;
    for (std::size_t i = 0; i < len; ++i) {
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
      if constexpr (U) uo[i] = u;
    }
  }

  template <reset_mode R>
  void lapicque_fwd(std::size_t len, const float* x, const float* pm, float* m, float* spk) const {
    const float th = m_threshold, rr = m_lap_r, inv = m_lap_inv_rc, dt = m_lap_dt,
                dec = m_lap_decay;
    for (std::size_t i = 0; i < len; ++i) {
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
  void alpha_fwd(std::size_t len, const float* x, const float* pm, const float* pe, const float* pi, float* m,
                 float* e_out, float* i_out, float* spk) const {
    const float a = clamp01(m_alpha), b = clamp01(m_beta), th = m_threshold;
    const float tau = std::log(a) / (std::log(b) - std::log(a)) + 1.0f;
    for (std::size_t k = 0; k < len; ++k) {
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

  void step(std::size_t len, const float* x, const float* pm, const float* ps, const float* pi,
            float* m, float* s, float* in, float* uo, float* spk) {
    const bool rd = m_cfg.reset_delay;
    dispatch_reset(m_cfg.reset, [&](auto rc) {
      constexpr reset_mode R = decltype(rc)::value;
      switch (m_model) {
        case neuron_model::leaky:
          if (rd) leaky_fwd<R, true, false>(len, x, pm, m, uo, spk);
          else if (uo) leaky_fwd<R, false, true>(len, x, pm, m, uo, spk);
          else leaky_fwd<R, false, false>(len, x, pm, m, uo, spk);
          break;
        case neuron_model::synaptic:
          if (rd) synaptic_fwd<R, true, false>(len, x, pm, ps, m, s, uo, spk);
          else if (uo) synaptic_fwd<R, false, true>(len, x, pm, ps, m, s, uo, spk);
          else synaptic_fwd<R, false, false>(len, x, pm, ps, m, s, uo, spk);
          break;
        case neuron_model::lapicque: lapicque_fwd<R>(len, x, pm, m, spk); break;
        case neuron_model::alpha: alpha_fwd<R>(len, x, pm, ps, pi, m, s, in, spk); break;
      }
    });
  }

  // Chunks of the layer run in parallel (OpenMP, the pool oneDNN uses). Every element is
  // independent, so results do not depend on the thread count.
  bool parallel_ok() const { return m_n >= 8 * k_chunk && !m_sg->stochastic(); }

  static const float* off(const float* p, std::size_t lo) { return p ? p + lo : nullptr; }
  static float* off(float* p, std::size_t lo) { return p ? p + lo : nullptr; }

  // Returns the number of non-zero spikes, counted per chunk while it is in L1 (a count over
  // the layer's spikes afterwards read them back from memory).
  std::size_t step_chunked(const float* x, const float* pm, const float* ps, const float* pi, float* m,
                           float* s, float* in, float* uo, float* spk) {
    const std::size_t chunks = (m_n + k_chunk - 1) / k_chunk;
    std::size_t spikes = 0;
#pragma omp parallel for schedule(static) reduction(+ : spikes) if (parallel_ok())
    for (std::size_t c = 0; c < chunks; ++c) {
      const std::size_t lo = c * k_chunk;
      const std::size_t len = std::min(k_chunk, m_n - lo);
      step(len, x + lo, pm + lo, off(ps, lo), off(pi, lo), m + lo, off(s, lo), off(in, lo),
           off(uo, lo), spk + lo);
      std::size_t n = 0;
#pragma omp simd reduction(+ : n)
      for (std::size_t i = lo; i < lo + len; ++i) n += spk[i] != 0.0f ? 1u : 0u;
      spikes += n;
    }
    return spikes;
  }

  std::size_t forward(std::size_t t, const float* x, float* spk, float* mem_out) {
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
    const std::size_t spikes = step_chunked(x, pm, ps, pi, m, s, in, uo, spk);
    if (mem_out) std::copy(m, m + m_n, mem_out);
    ++m_steps;
    m_back = m_steps;
    m_last_was_tape = true;
    return spikes;
  }

  std::size_t forward_inference(const float* x, float* spk, float* mem_out) {
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
    const std::size_t spikes = step_chunked(x, sm, ss, si, sm, ss, si, nullptr, spk);
    if (mem_out) std::copy(sm, sm + m_n, mem_out);
    return spikes;
  }

  // ---- backward ----
  // Surrogate of v - θ for one chunk into this thread's m_scratch_g slot (stays in L1).
  void surrogate_at(const float* v, std::size_t tid, std::size_t len) {
    const float th = m_threshold;
    float* su = m_scratch_u.data() + tid * k_chunk;
    for (std::size_t i = 0; i < len; ++i) su[i] = v[i] - th;
    m_sg->grad(su, m_scratch_g.data() + tid * k_chunk, len);
  }

  // dL/du for Leaky/Synaptic from G = dL/dm (external + carry) and the spike gradient,
  // with the reset_delay=False correction (spike not detached inside it). With GR it also
  // adds this step's dL/dθ except the −r·dL/du term of subtract mode.
  template <reset_mode R, bool RD, bool GR>
  static inline float du_of(float G, float ds, float g, float fp, float u, float r, float th,
                            float& dth) {
    if constexpr (RD || R == reset_mode::none) {
      const float du = G + ds * g * fp;
      if constexpr (GR) dth = -(ds * g * fp);
      return du;
    } else {
      const float h = step01(u - th > 0.0f);
      if constexpr (R == reset_mode::subtract) {
        const float du = G * (1.0f - th * fp) + ds * g * fp;
        if constexpr (GR) dth = G * (-(h - r) + th * fp) - ds * g * fp;
        return du;
      } else {
        const float du = G * ((1.0f - h + r) - u * fp) + ds * g * fp;
        if constexpr (GR) dth = G * u * fp - ds * g * fp;
        return du;
      }
    }
  }

  // Sum in double with independent lanes: vectorises without reassociating a single chain.
  static double lane_sum(const float* v, std::size_t n) {
    constexpr std::size_t lanes = 8;
    double acc[lanes] = {};
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes)
      for (std::size_t j = 0; j < lanes; ++j) acc[j] += static_cast<double>(v[i + j]);
    double total = 0.0;
    for (; i < n; ++i) total += static_cast<double>(v[i]);
    for (std::size_t j = 0; j < lanes; ++j) total += acc[j];
    return total;
  }

  // Adds the external dL/dmem_t into the carried dL/dm_t, so kernels see one buffer.
  void fold_d_mem(const float* d_mem, float* carry) const {
    if (!d_mem) return;
    for (std::size_t i = 0; i < m_n; ++i) carry[i] += d_mem[i];
  }

  // GR: accumulate parameter gradients (double reductions keep the loop scalar, so the
  // common case without learnable parameters runs without them).
  template <reset_mode R, bool RD, bool GR>
  void leaky_bwd(std::size_t t, std::size_t tid, std::size_t lo, std::size_t len, const float* d_spk,
                  float* d_x) {
    d_spk += lo;
    d_x += lo;
    const float* pm = prev(m_tape_mem, m_state_mem, t) + lo;
    const float* u = RD ? (slot(m_tape_mem, t) + lo) : (slot(m_tape_u, t) + lo);
    surrogate_at(u, tid, len);
    const float* fp = m_scratch_g.data() + tid * k_chunk;
    double* part = m_part.data() + (lo / k_chunk) * 4;
    const float th = m_threshold, g = m_g, b = clamp01(m_beta);
    float* c = m_carry_mem.data() + lo;
    float *gth = (m_gr[0].data() + tid * k_chunk), *gb = (m_gr[1].data() + tid * k_chunk), *gg = (m_gr[2].data() + tid * k_chunk);
    for (std::size_t i = 0; i < len; ++i) {
      const float r = step01(pm[i] > th);
      float cth = 0.0f;
      const float du = du_of<R, RD, GR>(c[i], d_spk[i], g, fp[i], u[i], r, th, cth);
      const float keep = R == reset_mode::zero ? 1.0f - r : 1.0f;
      d_x[i] = du;
      c[i] = b * keep * du;
      if constexpr (GR) {
        if constexpr (R == reset_mode::subtract) cth -= r * du;
        gth[i] = cth;
        gb[i] = du * keep * pm[i];
        gg[i] = d_spk[i] * step01(u[i] - th > 0.0f);
      }
    }
    if constexpr (GR) {
      part[0] = lane_sum(gth, len);
      part[1] = lane_sum(gb, len) * in01(m_beta);
      part[3] = lane_sum(gg, len);
    }
  }

  template <reset_mode R, bool RD, bool GR>
  void synaptic_bwd(std::size_t t, std::size_t tid, std::size_t lo, std::size_t len, const float* d_spk,
                  float* d_x) {
    d_spk += lo;
    d_x += lo;
    const float* pm = prev(m_tape_mem, m_state_mem, t) + lo;
    const float* ps = prev(m_tape_syn, m_state_syn, t) + lo;
    const float* u = RD ? (slot(m_tape_mem, t) + lo) : (slot(m_tape_u, t) + lo);
    surrogate_at(u, tid, len);
    const float* fp = m_scratch_g.data() + tid * k_chunk;
    double* part = m_part.data() + (lo / k_chunk) * 4;
    const float th = m_threshold, b = clamp01(m_beta), a = clamp01(m_alpha);
    float* cm = m_carry_mem.data() + lo;
    float* cs = m_carry_syn.data() + lo;
    float *gth = (m_gr[0].data() + tid * k_chunk), *gb = (m_gr[1].data() + tid * k_chunk), *ga = (m_gr[2].data() + tid * k_chunk);
    for (std::size_t i = 0; i < len; ++i) {
      const float r = step01(pm[i] > th);
      float cth = 0.0f;
      const float du = du_of<R, RD, GR>(cm[i], d_spk[i], 1.0f, fp[i], u[i], r, th, cth);
      const float dbase = R == reset_mode::zero ? (1.0f - r) * du : du;
      const float dsyn = dbase + cs[i];
      d_x[i] = dsyn;
      cm[i] = b * dbase;
      cs[i] = a * dsyn;
      if constexpr (GR) {
        if constexpr (R == reset_mode::subtract) cth -= r * du;
        gth[i] = cth;
        gb[i] = dbase * pm[i];
        ga[i] = dsyn * ps[i];
      }
    }
    if constexpr (GR) {
      part[0] = lane_sum(gth, len);
      part[1] = lane_sum(gb, len) * in01(m_beta);
      part[2] = lane_sum(ga, len) * in01(m_alpha);
    }
  }

  template <reset_mode R, bool GR>
  void lapicque_bwd(std::size_t t, std::size_t tid, std::size_t lo, std::size_t len, const float* d_spk,
                  float* d_x) {
    d_spk += lo;
    d_x += lo;
    const float* pm = prev(m_tape_mem, m_state_mem, t) + lo;
    const float* m = (slot(m_tape_mem, t) + lo);
    surrogate_at(m, tid, len);
    const float* fp = m_scratch_g.data() + tid * k_chunk;
    double* part = m_part.data() + (lo / k_chunk) * 4;
    const float th = m_threshold, dec = m_lap_decay;
    const float gain = m_lap_r * m_lap_inv_rc * m_lap_dt;
    float* c = m_carry_mem.data() + lo;
    float* gth = (m_gr[0].data() + tid * k_chunk);
    for (std::size_t i = 0; i < len; ++i) {
      const float r = step01(pm[i] > th);
      const float A = c[i] + d_spk[i] * fp[i];
      if constexpr (GR) {
        if constexpr (R == reset_mode::subtract) gth[i] = -(d_spk[i] * fp[i]) - r * A;
        else gth[i] = -(d_spk[i] * fp[i]);
      }
      const float dbase = R == reset_mode::zero ? (1.0f - r) * A : A;
      d_x[i] = gain * dbase;
      c[i] = dec * dbase;
    }
    if constexpr (GR) part[0] = lane_sum(gth, len);
  }

  // m_carry_mem holds only this step's external dL/dmem (Alpha's mem has no recurrence).
  template <reset_mode R, bool GR>
  void alpha_bwd(std::size_t t, std::size_t tid, std::size_t lo, std::size_t len, const float* d_spk,
                  float* d_x) {
    d_spk += lo;
    d_x += lo;
    const float* pm = prev(m_tape_mem, m_state_mem, t) + lo;
    const float* pe = prev(m_tape_syn, m_state_syn, t) + lo;
    const float* pi = prev(m_tape_inh, m_state_inh, t) + lo;
    const float* m = (slot(m_tape_mem, t) + lo);
    surrogate_at(m, tid, len);
    const float* fp = m_scratch_g.data() + tid * k_chunk;
    double* part = m_part.data() + (lo / k_chunk) * 4;
    const float a = clamp01(m_alpha), b = clamp01(m_beta), th = m_threshold;
    const float la = std::log(a), lb = std::log(b);
    const float tau = la / (lb - la) + 1.0f;
    const double den = (static_cast<double>(lb) - la) * (static_cast<double>(lb) - la);
    const double dtau_da = static_cast<double>(lb) / (den * a);
    const double dtau_db = -static_cast<double>(la) / (den * b);
    float* cm = m_carry_mem.data() + lo;
    float* ce = m_carry_syn.data() + lo;
    float* ci = m_carry_inh.data() + lo;
    double dth = 0, da = 0, db = 0, dtau = 0;
    for (std::size_t k = 0; k < len; ++k) {
      const float r = step01(pm[k] > th);
      const float G = cm[k] + d_spk[k] * fp[k];
      cm[k] = 0.0f;
      const float sum = a * pe[k] + b * pi[k];  // e + i (the input cancels)
      float de, di, extra_i = 0.0f;
      if constexpr (R == reset_mode::zero) {
        de = (1.0f - r) * (ce[k] + tau * G);
        di = (1.0f - r) * (ci[k] + tau * G);
        if constexpr (GR) dtau += static_cast<double>(1.0f - r) * G * sum;
      } else if constexpr (R == reset_mode::subtract) {
        if constexpr (GR) dth -= static_cast<double>(r) * ce[k];
        de = ce[k] + tau * G;
        di = (1.0f - r) * ci[k] + tau * G;
        extra_i = r * G;
        if constexpr (GR) dtau += static_cast<double>(G) * sum;
      } else {
        de = ce[k] + tau * G;
        di = ci[k] + tau * G;
        if constexpr (GR) dtau += static_cast<double>(G) * sum;
      }
      d_x[k] = de - di;
      if constexpr (GR) {
        dth -= static_cast<double>(d_spk[k]) * fp[k];
        da += static_cast<double>(de) * pe[k];
        db += static_cast<double>(di) * pi[k];
      }
      ce[k] = a * de;
      ci[k] = b * di + extra_i;
    }
    if constexpr (GR) {
      part[0] = dth;
      part[1] = (db + dtau * dtau_db) * in01(m_beta);
      part[2] = (da + dtau * dtau_da) * in01(m_alpha);
    }
  }

  bool wants_param_grads() const {
    return m_cfg.learn_beta || m_cfg.learn_threshold || m_cfg.learn_alpha ||
           m_cfg.learn_graded_spikes_factor;
  }

  // Backward runs in chunks so the surrogate values and parameter-gradient terms stay in
  // L1 instead of streaming whole-layer scratch buffers through memory.
  template <bool GR>
  void backward_dispatch(std::size_t t, const float* d_spk, float* d_x) {
    const bool rd = m_cfg.reset_delay;
    dispatch_reset(m_cfg.reset, [&](auto rc) {
      constexpr reset_mode R = decltype(rc)::value;
      const std::size_t chunks = (m_n + k_chunk - 1) / k_chunk;
      const int threads = std::min(omp_get_max_threads(), static_cast<int>(m_slots));
#pragma omp parallel for schedule(static) if (parallel_ok()) num_threads(threads)
      for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t tid = static_cast<std::size_t>(omp_get_thread_num());
        const std::size_t lo = c * k_chunk;
        const std::size_t len = std::min(k_chunk, m_n - lo);
        switch (m_model) {
          case neuron_model::leaky:
            if (rd) leaky_bwd<R, true, GR>(t, tid, lo, len, d_spk, d_x);
            else leaky_bwd<R, false, GR>(t, tid, lo, len, d_spk, d_x);
            break;
          case neuron_model::synaptic:
            if (rd) synaptic_bwd<R, true, GR>(t, tid, lo, len, d_spk, d_x);
            else synaptic_bwd<R, false, GR>(t, tid, lo, len, d_spk, d_x);
            break;
          case neuron_model::lapicque: lapicque_bwd<R, GR>(t, tid, lo, len, d_spk, d_x); break;
          case neuron_model::alpha: alpha_bwd<R, GR>(t, tid, lo, len, d_spk, d_x); break;
        }
      }
    });
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
    fold_d_mem(d_mem, m_carry_mem.data());
    if (wants_param_grads()) {
      // Per-chunk partial sums, added in chunk order: the same result for any thread count.
      std::fill(m_part.begin(), m_part.end(), 0.0);
      backward_dispatch<true>(t, d_spk, d_x);
      double sum[4] = {};
      for (std::size_t c = 0; c * k_chunk < m_n; ++c)
        for (int k = 0; k < 4; ++k) sum[k] += m_part[c * 4 + static_cast<std::size_t>(k)];
      m_d_threshold += static_cast<float>(sum[0]);
      m_d_beta += static_cast<float>(sum[1]);
      m_d_alpha += static_cast<float>(sum[2]);
      m_d_g += static_cast<float>(sum[3]);
    } else {
      backward_dispatch<false>(t, d_spk, d_x);
    }
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
std::size_t neuron_layer::forward(std::size_t t, const float* x, float* spk, float* mem_out) {
  return m_impl->forward(t, x, spk, mem_out);
}
std::size_t neuron_layer::forward_inference(const float* x, float* spk, float* mem_out) {
  return m_impl->forward_inference(x, spk, mem_out);
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
