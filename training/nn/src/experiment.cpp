#include "snncosim/nn/experiment.h"

#include <yaml-cpp/yaml.h>

#include "snncosim/common/error.h"
#include "snncosim/nn/data_source.h"

namespace snncosim::nn {

experiment_setup make_experiment(const config::document& doc, const std::filesystem::path& run_dir) {
  experiment_setup s;
  const YAML::Node& root = doc.root();
  s.name = root["name"].as<std::string>();
  s.network = network_spec_from_yaml(doc, "network.");

  const YAML::Node tr = root["training"];
  auto& o = s.training;
  o.seed = root["seed"].as<std::uint64_t>();
  o.epochs = tr["epochs"].as<int>();
  o.batch_size = tr["batch_size"].as<int>();
  s.threads = tr["threads"].as<int>();
  const YAML::Node opt = tr["optimizer"];
  o.optimizer.kind = parse_optimizer_kind(opt["name"].as<std::string>());
  o.optimizer.lr = opt["lr"].as<double>();
  o.optimizer.weight_decay = opt["weight_decay"].as<double>();
  o.optimizer.beta1 = opt["beta1"].as<double>();
  o.optimizer.beta2 = opt["beta2"].as<double>();
  if (o.optimizer.kind == optimizer_kind::sgd) o.optimizer.momentum = opt["momentum"].as<double>();
  o.optimizer.grad_clip_norm = tr["grad_clip_norm"].as<double>();
  o.optimizer.weight_clip = tr["weight_clip"].as<double>();
  const YAML::Node sch = tr["schedule"];
  o.schedule.kind = parse_schedule_kind(sch["name"].as<std::string>());
  o.schedule.t_max = o.epochs;
  o.schedule.step_size = sch["step_epochs"].as<int>();
  o.schedule.gamma = sch["gamma"].as<double>();
  const YAML::Node loss = tr["loss"];
  try {
    o.loss.kind = parse_loss_kind(loss["name"].as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw bad_input(doc.where("training.loss.name") + ": training.loss.name: " + e.what());
  }
  o.loss.correct_rate = loss["correct_rate"].as<double>();
  o.loss.incorrect_rate = loss["incorrect_rate"].as<double>();
  o.loss.on_target = loss["on_target"].as<double>();
  o.loss.off_target = loss["off_target"].as<double>();
  o.spike_regularizer = tr["spike_regularizer_weight"].as<double>();
  o.run_dir = run_dir;

  const YAML::Node ds = root["dataset"];
  s.time_steps = ds["time_steps"].as<int>();
  const auto dataset = ds["name"].as<std::string>();
  if (dataset != "synthetic_bars") {
    event_source_options eo;
    eo.dataset = dataset;
    eo.root = ds["root"].as<std::string>();
    eo.where = doc.where("dataset.name");
    if (eo.root.empty()) {
      eo.root = std::filesystem::path("data") / dataset;
      // The built-in set is made on first use so that a new user needs no extra command.
      if (dataset == "builtin_fashion") ensure_builtin_fashion(eo.root, o.seed);
    }
    eo.time_steps = s.time_steps;
    eo.seed = o.seed;
    eo.channels = s.network.in_channels;
    eo.height = s.network.in_height;
    eo.width = s.network.in_width;
    eo.num_classes = s.network.num_classes;
    eo.split = "train";
    eo.max_samples = ds["train_samples"].as<std::size_t>();
    s.train = make_event_source(eo);
    eo.split = "test";
    eo.max_samples = ds["test_samples"].as<std::size_t>();
    eo.shuffle = false;
    s.test = make_event_source(eo);
    return s;
  }
  synthetic_options train;
  train.samples = ds["train_samples"].as<std::size_t>();
  if (train.samples == 0) train.samples = 2048;
  train.time_steps = s.time_steps;
  train.channels = s.network.in_channels;
  train.height = s.network.in_height;
  train.width = s.network.in_width;
  train.num_classes = s.network.num_classes;
  train.seed = o.seed * 2 + 1;
  synthetic_options test = train;
  test.samples = ds["test_samples"].as<std::size_t>();
  if (test.samples == 0) test.samples = 512;
  test.seed = o.seed * 2 + 2;
  test.shuffle = false;
  s.train = std::make_unique<synthetic_source>(train);
  s.test = std::make_unique<synthetic_source>(test);
  return s;
}

}  // namespace snncosim::nn
