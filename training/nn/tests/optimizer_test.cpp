// Optimiser updates against steps computed by hand from the PyTorch update rules.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <vector>

#include "snncosim/nn/optimizer.h"

using namespace snncosim::nn;

namespace {
struct one_param {
  std::vector<float> value, grad;
  explicit one_param(std::vector<float> v) : value(std::move(v)), grad(value.size(), 0.0f) {}
  std::vector<parameter> params() { return {{"p", value.data(), grad.data(), value.size()}}; }
};
}  // namespace

TEST_CASE("adam with a constant gradient moves each weight by lr per step") {
  // m_hat = g and v_hat = g^2 for a constant g, so the step is lr * g/(|g| + eps).
  one_param p({1.0f, -2.0f});
  optimizer opt({optimizer_kind::adam, 0.1}, p.params());
  p.grad = {0.5f, -3.0f};
  opt.step();
  CHECK(p.value[0] == doctest::Approx(0.9).epsilon(1e-6));
  CHECK(p.value[1] == doctest::Approx(-1.9).epsilon(1e-6));
  opt.step();
  CHECK(p.value[0] == doctest::Approx(0.8).epsilon(1e-6));
  CHECK(p.value[1] == doctest::Approx(-1.8).epsilon(1e-6));
}

TEST_CASE("adam adds L2 weight decay to the gradient - adamw decays the weight directly") {
  one_param a({1.0f});
  optimizer_options o{optimizer_kind::adam, 0.1};
  o.weight_decay = 0.1;
  optimizer adam(o, a.params());
  a.grad = {0.5f};
  adam.step();  // g = 0.6: first step still moves by lr
  CHECK(a.value[0] == doctest::Approx(0.9).epsilon(1e-6));
  adam.step();
  // step 2: g = 0.5 + 0.1*0.9 = 0.59; m = 0.9*0.06 + 0.1*0.59 = 0.113;
  // v = 0.999*0.00036 + 0.001*0.3481 = 0.00070774; m_hat = 0.113/0.19, v_hat = v/0.001999
  // step = 0.1 * 0.5947368 / 0.5950183 = 0.0999527
  CHECK(a.value[0] == doctest::Approx(0.9 - 0.0999527).epsilon(1e-5));

  one_param w({1.0f});
  o.kind = optimizer_kind::adamw;
  optimizer adamw(o, w.params());
  w.grad = {0.5f};
  adamw.step();  // w = 1*(1 - 0.1*0.1) - 0.1
  CHECK(w.value[0] == doctest::Approx(0.89).epsilon(1e-6));
}

TEST_CASE("sgd with momentum and nesterov") {
  optimizer_options o{optimizer_kind::sgd, 0.1};
  o.momentum = 0.9;
  one_param p({1.0f});
  optimizer sgd(o, p.params());
  p.grad = {1.0f};
  sgd.step();  // buf = 1
  CHECK(p.value[0] == doctest::Approx(0.9));
  sgd.step();  // buf = 0.9 + 1 = 1.9
  CHECK(p.value[0] == doctest::Approx(0.71));

  o.nesterov = true;
  one_param q({1.0f});
  optimizer nest(o, q.params());
  q.grad = {1.0f};
  nest.step();  // buf = 1, g = 1 + 0.9
  CHECK(q.value[0] == doctest::Approx(0.81));
  nest.step();  // buf = 1.9, g = 1 + 1.71
  CHECK(q.value[0] == doctest::Approx(0.539));
}

TEST_CASE("gradient norm and value clipping - weight clamp") {
  optimizer_options o{optimizer_kind::sgd, 1.0};
  o.grad_clip_norm = 1.0;
  one_param p({0.0f, 0.0f});
  optimizer a(o, p.params());
  p.grad = {3.0f, 4.0f};
  CHECK(a.step() == doctest::Approx(5.0));
  CHECK(p.value[0] == doctest::Approx(-0.6).epsilon(1e-5));
  CHECK(p.value[1] == doctest::Approx(-0.8).epsilon(1e-5));

  o.grad_clip_norm = 0;
  o.grad_clip_value = 0.5;
  one_param q({0.0f, 0.0f});
  optimizer b(o, q.params());
  q.grad = {3.0f, -4.0f};
  b.step();
  CHECK(q.value[0] == doctest::Approx(-0.5));
  CHECK(q.value[1] == doctest::Approx(0.5));

  o.grad_clip_value = 0;
  o.weight_clip = 0.25;
  one_param r({0.0f, 0.0f});
  optimizer c(o, r.params());
  r.grad = {3.0f, -0.1f};
  c.step();
  CHECK(r.value[0] == doctest::Approx(-0.25));
  CHECK(r.value[1] == doctest::Approx(0.1));
}

TEST_CASE("cosine and step schedules") {
  schedule_options cos{schedule_kind::cosine, 10, 0.0, 1, 0.1};
  CHECK(scheduled_lr(cos, 0.1, 0) == doctest::Approx(0.1));
  CHECK(scheduled_lr(cos, 0.1, 5) == doctest::Approx(0.05));
  CHECK(scheduled_lr(cos, 0.1, 10) == doctest::Approx(0.0));
  cos.eta_min = 0.01;
  CHECK(scheduled_lr(cos, 0.1, 5) == doctest::Approx(0.055));
  schedule_options step{schedule_kind::step, 1, 0.0, 3, 0.5};
  CHECK(scheduled_lr(step, 0.1, 2) == doctest::Approx(0.1));
  CHECK(scheduled_lr(step, 0.1, 3) == doctest::Approx(0.05));
  CHECK(scheduled_lr(step, 0.1, 7) == doctest::Approx(0.025));
  CHECK(scheduled_lr({}, 0.1, 7) == doctest::Approx(0.1));
}
