// The shipped experiment YAML becomes trainer settings, and unsupported choices are refused.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>

#include "snncosim/common/config.h"
#include "snncosim/common/error.h"
#include "snncosim/nn/experiment.h"
#include "snncosim/nn/network.h"

using namespace snncosim;

namespace {
const std::filesystem::path experiment_file =
    std::filesystem::path(SNNCOSIM_SOURCE_DIR) / "yaml" / "experiments" / "train_csnn_synthetic.yaml";
}

TEST_CASE("train_csnn_synthetic.yaml gives the CSNN and Adam with a cosine schedule and synthetic bars") {
  const auto doc = config::load(experiment_file, {config::parse_override("dataset.train_samples=64"),
                                                  config::parse_override("dataset.test_samples=40")},
                                "experiment");
  const auto s = nn::make_experiment(doc, "");
  CHECK(s.network.name == "csnn");
  CHECK(s.network.output_neurons() == 10);
  CHECK(s.training.optimizer.kind == nn::optimizer_kind::adam);
  CHECK(s.training.optimizer.lr == doctest::Approx(0.002));
  CHECK(s.training.schedule.kind == nn::schedule_kind::cosine);
  CHECK(s.training.schedule.t_max == s.training.epochs);
  CHECK(s.training.loss.kind == nn::loss_kind::mse_count);
  CHECK(s.training.loss.correct_rate == doctest::Approx(0.8));
  CHECK(s.time_steps == 10);
  REQUIRE(s.train != nullptr);
  CHECK(s.train->size() == 64);
  CHECK(s.test->size() == 40);
  CHECK(s.train->height() == 34);
}

TEST_CASE("mse_membrane_loss with its targets is read from the experiment") {
  const auto e = nn::make_experiment(
      config::load(experiment_file,
                   {config::parse_override("training.loss.name=mse_membrane_loss"),
                    config::parse_override("training.loss.on_target=1.5"),
                    config::parse_override("training.loss.off_target=-0.25")},
                   "experiment"),
      "");
  CHECK(e.training.loss.kind == nn::loss_kind::mse_membrane);
  CHECK(e.training.loss.on_target == 1.5);
  CHECK(e.training.loss.off_target == -0.25);
}

TEST_CASE("a missing dataset folder and an unsupported loss are bad input") {
  CHECK_THROWS_AS(nn::make_experiment(config::load(experiment_file,
                                                   {config::parse_override("dataset.name=nmnist"),
                                                    config::parse_override("dataset.root=/nonexistent/snncosim/nmnist")},
                                                   "experiment"),
                                      ""),
                  bad_input);
  CHECK_THROWS_AS(nn::make_experiment(config::load(experiment_file,
                                                   {config::parse_override("training.loss.name=mse_hinge_loss")},
                                                   "experiment"),
                                      ""),
                  std::exception);
}
