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

namespace {
std::string check_error(const std::vector<std::string>& sets) {
  std::vector<config::override_entry> ov;
  for (const auto& s : sets) ov.push_back(config::parse_override(s));
  try {
    (void)nn::check_experiment(config::load(experiment_file, ov, "experiment"));
  } catch (const bad_input& e) {
    return e.what();
  }
  FAIL("expected bad_input");
  return {};
}
}  // namespace

TEST_CASE("check_experiment refuses what training would refuse at the key to change") {
  SUBCASE("a batch larger than the training split (64 samples, batch 65)") {
    const auto msg = check_error({"dataset.train_samples=64", "training.batch_size=65"});
    CHECK(msg.find("--set training.batch_size=65: training.batch_size: 65 is more than the 64 samples") == 0);
  }
  SUBCASE("a batch equal to the training split is one batch: fine") {
    CHECK_NOTHROW(nn::check_experiment(config::load(
        experiment_file, {config::parse_override("dataset.train_samples=64"), config::parse_override("training.batch_size=64")},
        "experiment")));
  }
  SUBCASE("ce_rate_loss with a population code") {
    const auto msg = check_error({"training.loss.name=ce_rate_loss", "network.population_per_class=3",
                                  "network.layers.7.features=30"});
    INFO(msg);
    CHECK(msg.find("training.loss.name: ce_rate_loss does not support a population code") != std::string::npos);
  }
  SUBCASE("a missing data set: refused, or a note when data may be elsewhere") {
    const auto doc = config::load(experiment_file,
                                  {config::parse_override("dataset.name=nmnist"),
                                   config::parse_override("dataset.root=/nonexistent/snncosim/nmnist")},
                                  "experiment");
    CHECK_THROWS_AS(nn::check_experiment(doc), bad_input);
    const auto notes = nn::check_experiment(doc, false);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("data set nmnist is not in '/nonexistent/snncosim/nmnist'") != std::string::npos);
  }
}
