#include "snncosim/nn/experiment.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "snncosim/common/error.h"
#include "snncosim/nn/data_source.h"
#include "snncosim/nn/dataset_transforms.h"

namespace snncosim::nn {

namespace {

// Refusals the trainer would only make in its first step, named at the key to change.
void check_training(const config::document& doc, const experiment_setup& s) {
  const auto& o = s.training;
  if (s.network.population_per_class > 1 &&
      (o.loss.kind == loss_kind::mse_membrane || o.loss.kind == loss_kind::ce_rate)) {
    throw bad_input(fmt::format("{}: training.loss.name: {} does not support a population code (network "
                                "population_per_class is {}); use mse_count_loss or ce_count_loss",
                                doc.where("training.loss.name"), doc.get<std::string>("training.loss.name"),
                                s.network.population_per_class));
  }
  if (s.train && s.train->size() < static_cast<std::size_t>(o.batch_size)) {
    throw bad_input(fmt::format("{}: training.batch_size: {} is more than the {} samples of the training split; "
                                "lower it or use more samples",
                                doc.where("training.batch_size"), o.batch_size, s.train->size()));
  }
}

// create_builtin: make the built-in data set when it is missing (training). notes: when
// given, a data folder that does not exist is noted there instead of refused.
experiment_setup setup_experiment(const config::document& doc, const std::filesystem::path& run_dir,
                                  bool create_builtin, std::vector<std::string>* notes) {
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
    // Parsed first: a bad transform is reported even when the data are not here yet.
    const dataset_transforms transforms = parse_dataset_transforms(doc, o.seed);
    eo.steps = transforms.steps;
    eo.frame = transforms.frame;
    if (eo.root.empty()) {
      // The built-in sets are made on first use so that a new user needs no extra command.
      // Their seed is dataset.generate.seed, not the experiment's, so a seed sweep trains
      // on the same data.
      const bool fashion = dataset == "builtin_fashion", gesture = dataset == "synthetic_gesture";
      const YAML::Node gen = ds["generate"];
      const auto train_n = gen ? gen["train"].as<std::size_t>() : std::size_t{0};
      const auto test_n = gen ? gen["test"].as<std::size_t>() : std::size_t{0};
      const auto data_seed = gen ? gen["seed"].as<std::uint64_t>() : std::uint64_t{1};
      const std::size_t train_default = fashion ? 1000 : 32, test_default = fashion ? 200 : 8;
      const std::size_t train_count = train_n ? train_n : train_default, test_count = test_n ? test_n : test_default;
      std::string folder = dataset;
      // Sets of another size or seed get a folder of their own.
      if ((fashion || gesture) && (train_count != train_default || test_count != test_default || data_seed != 1))
        folder += fmt::format("_{}+{}_seed{}", train_count, test_count, data_seed);
      eo.root = std::filesystem::path("data") / folder;
      if (fashion || gesture) {
        if (!create_builtin && !std::filesystem::exists(eo.root)) return s;
        if (fashion) ensure_builtin_fashion(eo.root, data_seed, train_count, test_count);
        else ensure_synthetic_gesture(eo.root, static_cast<int>(train_count), static_cast<int>(test_count), data_seed);
      }
    }
    if (notes != nullptr && !std::filesystem::is_directory(eo.root)) {
      notes->push_back(fmt::format("{}: dataset.name: data set {} is not in '{}' on this machine; not checked against "
                                   "the network",
                                   eo.where, dataset, eo.root.string()));
      return s;
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
    check_training(doc, s);
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
  check_training(doc, s);
  return s;
}

}  // namespace

experiment_setup make_experiment(const config::document& doc, const std::filesystem::path& run_dir) {
  return setup_experiment(doc, run_dir, true, nullptr);
}

std::vector<std::string> check_experiment(const config::document& doc, bool require_data) {
  std::vector<std::string> notes;
  const experiment_setup s = setup_experiment(doc, {}, false, require_data ? nullptr : &notes);
  check_training(doc, s);
  return notes;
}

}  // namespace snncosim::nn
