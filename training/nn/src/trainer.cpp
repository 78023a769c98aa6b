#include "snncosim/nn/trainer.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/common/checkpoint_file.h"
#include "snncosim/common/error.h"
#include "snncosim/common/progress.h"
#include "snncosim/snn/loss.h"

namespace snncosim::nn {

using json = nlohmann::json;

loss_kind parse_loss_kind(const std::string& name) {
  if (name == "mse_count_loss" || name == "mse_count") return loss_kind::mse_count;
  if (name == "ce_rate_loss" || name == "ce_rate") return loss_kind::ce_rate;
  if (name == "ce_count_loss" || name == "ce_count") return loss_kind::ce_count;
  if (name == "mse_membrane_loss" || name == "mse_membrane") return loss_kind::mse_membrane;
  throw std::invalid_argument("loss '" + name +
                              "' is not supported by the trainer; expected mse_count_loss, ce_rate_loss, "
                              "ce_count_loss or mse_membrane_loss");
}

namespace {

std::vector<parameter> all_parameters(network& net) { return net.parameters(); }

// Population-code class count for losses and accuracy (0 = one neuron per class).
std::size_t pop_classes(const network_spec& s) {
  return s.population_per_class > 1 ? static_cast<std::size_t>(s.num_classes) : 0;
}

}  // namespace

trainer::trainer(network& net, trainer_options options)
    : m_net(net), m_options(std::move(options)), m_optimizer(m_options.optimizer, all_parameters(net)) {
  if (net.geometry().batch != m_options.batch_size)
    throw std::invalid_argument("trainer: configure the network for batch_size before creating the trainer");
  m_d_output.assign(net.output_elements(), 0.0f);
  if (m_options.loss.kind == loss_kind::mse_membrane) {
    if (net.spec().population_per_class > 1)
      throw bad_input("mse_membrane_loss does not support a population code (snnTorch has none)");
    m_net.record_output_membrane(true);
    m_d_membrane.assign(net.output_elements(), 0.0f);
  }
  m_net.set_spike_regularizer(m_options.spike_regularizer);
}

double trainer::loss(const float* spikes, const float* membrane, const std::int32_t* labels, int batch,
                     float* d_spikes, float* d_membrane) const {
  const auto& spec = m_net.spec();
  const snn::spike_shape shape{static_cast<std::size_t>(m_net.geometry().time_steps), static_cast<std::size_t>(batch),
                               static_cast<std::size_t>(spec.output_neurons())};
  switch (m_options.loss.kind) {
    case loss_kind::mse_count: {
      snn::mse_count_options o;
      o.correct_rate = m_options.loss.correct_rate;
      o.incorrect_rate = m_options.loss.incorrect_rate;
      o.num_classes = pop_classes(spec);
      return snn::mse_count_loss(spikes, shape, labels, o, d_spikes);
    }
    case loss_kind::ce_rate:
      if (spec.population_per_class > 1) throw bad_input("ce_rate_loss does not support a population code (snnTorch crashes too)");
      return snn::ce_rate_loss(spikes, shape, labels, d_spikes);
    case loss_kind::ce_count:
      return snn::ce_count_loss(spikes, shape, labels, pop_classes(spec), d_spikes);
    case loss_kind::mse_membrane:
      if (membrane == nullptr) throw std::logic_error("mse_membrane_loss: the output membrane was not recorded");
      if (d_spikes != nullptr) std::fill_n(d_spikes, shape.size(), 0.0f);
      return snn::mse_membrane_loss(membrane, shape, labels, m_options.loss.on_target, m_options.loss.off_target,
                                    d_membrane);
  }
  return 0;
}

epoch_metrics trainer::train_epoch(batch_source& train, int epoch) {
  const auto start = std::chrono::steady_clock::now();
  const int batch = m_options.batch_size;
  const auto& spec = m_net.spec();
  train.set_epoch(epoch);
  // Short last batches are dropped in training (drop_last): every step sees full batches.
  const std::size_t batches = train.size() / static_cast<std::size_t>(batch);
  if (batches == 0) throw bad_input("training set has fewer samples than batch_size");
  epoch_metrics m;
  m.epoch = epoch;
  m.lr = scheduled_lr(m_options.schedule, m_options.optimizer.lr, epoch);
  std::vector<double> layer_spikes;
  std::vector<std::size_t> layer_neurons;
  std::vector<std::string> layer_names;
  double loss_sum = 0, correct = 0, spikes = 0;
  std::size_t samples = 0;
  progress_bar bar(fmt::format("epoch {}/{}", epoch + 1, m_options.epochs), batches, "batch");
  if (!m_options.progress) bar.finish();
  const snn::spike_shape shape{static_cast<std::size_t>(m_net.geometry().time_steps), static_cast<std::size_t>(batch),
                               static_cast<std::size_t>(spec.output_neurons())};
  for (std::size_t b = 0; b < batches; ++b) {
    const batch_view v = train.batch(b, batch);
    m_net.reseed(static_cast<std::uint64_t>(epoch) * 1000003ull + b + (m_options.seed << 32));
    if (m_options.before_forward) m_options.before_forward();
    const float* out = m_net.forward(v.frames, true);
    float* d_mem = m_d_membrane.empty() ? nullptr : m_d_membrane.data();
    double l = loss(out, m_net.output_membrane(), v.labels, batch, m_d_output.data(), d_mem);
    l += m_net.last_regularizer_loss();
    m_net.backward(m_d_output.data(), d_mem);
    if (m_options.after_backward) m_options.after_backward();
    m_optimizer.step(m.lr);
    loss_sum += l * batch;
    correct += snn::accuracy_rate(out, shape, v.labels, pop_classes(spec)) * batch;
    samples += static_cast<std::size_t>(batch);
    const auto act = m_net.activity();
    if (layer_spikes.empty()) {
      layer_spikes.assign(act.size(), 0.0);
      for (const auto& a : act) {
        layer_neurons.push_back(a.neurons);
        layer_names.push_back(a.name);
      }
    }
    double batch_spikes = 0;
    for (std::size_t i = 0; i < act.size(); ++i) {
      layer_spikes[i] += act[i].spikes;
      batch_spikes += act[i].spikes;
    }
    spikes += batch_spikes;
    if (m_options.progress)
      bar.set_postfix(fmt::format("loss {:.4f} acc {:.1f}% spk/sample {:.0f}", loss_sum / static_cast<double>(samples),
                                  100.0 * correct / static_cast<double>(samples), spikes / static_cast<double>(samples)));
    bar.advance();
  }
  bar.finish();
  const auto n = static_cast<double>(samples);
  m.train_loss = loss_sum / n;
  m.train_accuracy = correct / n;
  m.spikes_per_sample = spikes / n;
  const double steps = m_net.geometry().time_steps;
  for (std::size_t i = 0; i < layer_spikes.size(); ++i)
    m.layers.push_back({layer_names[i], layer_spikes[i] / (n * steps * static_cast<double>(layer_neurons[i])),
                        layer_spikes[i] / n});
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.train_samples_per_s = n / m.seconds;
  return m;
}

eval_result trainer::evaluate(batch_source& data) {
  const int batch = m_options.batch_size;
  const auto& spec = m_net.spec();
  const auto steps = static_cast<std::size_t>(m_net.geometry().time_steps);
  const auto outputs = static_cast<std::size_t>(spec.output_neurons());
  const std::size_t per_step = static_cast<std::size_t>(spec.in_channels) * static_cast<std::size_t>(spec.in_height) *
                               static_cast<std::size_t>(spec.in_width);
  data.set_epoch(0);
  eval_result r;
  double loss_sum = 0, correct = 0, spikes = 0;
  for (std::size_t b = 0; b < data.num_batches(batch); ++b) {
    const batch_view v = data.batch(b, batch);
    const float* frames = v.frames;
    if (v.batch < batch) {  // pad a short batch with empty samples; only real ones count
      m_padded_frames.assign(steps * static_cast<std::size_t>(batch) * per_step, 0.0f);
      for (std::size_t t = 0; t < steps; ++t)
        std::copy_n(v.frames + t * static_cast<std::size_t>(v.batch) * per_step, static_cast<std::size_t>(v.batch) * per_step,
                    m_padded_frames.data() + t * static_cast<std::size_t>(batch) * per_step);
      frames = m_padded_frames.data();
    }
    const float* out = m_net.forward(frames, false);
    const float* mem = m_net.output_membrane();
    if (v.batch < batch) {
      // Drop the padding samples of every step: [T][batch][outputs] -> [T][v.batch][outputs].
      auto compact = [&](const float* full, std::vector<float>& into) {
        into.resize(steps * static_cast<std::size_t>(v.batch) * outputs);
        for (std::size_t t = 0; t < steps; ++t)
          std::copy_n(full + t * static_cast<std::size_t>(batch) * outputs, static_cast<std::size_t>(v.batch) * outputs,
                      into.data() + t * static_cast<std::size_t>(v.batch) * outputs);
        return static_cast<const float*>(into.data());
      };
      out = compact(out, m_compact_spikes);
      if (mem != nullptr) mem = compact(mem, m_compact_membrane);
    } else {
      for (const auto& a : m_net.activity()) spikes += a.spikes;
    }
    const snn::spike_shape shape{steps, static_cast<std::size_t>(v.batch), outputs};
    loss_sum += loss(out, mem, v.labels, v.batch, nullptr, nullptr) * v.batch;
    correct += snn::accuracy_rate(out, shape, v.labels, pop_classes(spec)) * v.batch;
    r.samples += static_cast<std::size_t>(v.batch);
  }
  if (r.samples > 0) {
    const auto n = static_cast<double>(r.samples);
    r.loss = loss_sum / n;
    r.accuracy = correct / n;
    const std::size_t full = (r.samples / static_cast<std::size_t>(batch)) * static_cast<std::size_t>(batch);
    r.spikes_per_sample = full > 0 ? spikes / static_cast<double>(full) : 0.0;
  }
  return r;
}

namespace {

json metrics_json(const epoch_metrics& m) {
  json layers = json::array();
  for (const auto& l : m.layers)
    layers.push_back({{"name", l.name}, {"firing_rate", l.firing_rate}, {"spikes_per_sample", l.spikes_per_sample}});
  json j{{"epoch", m.epoch},
         {"lr", m.lr},
         {"train_loss", m.train_loss},
         {"train_accuracy", m.train_accuracy},
         {"spikes_per_sample", m.spikes_per_sample},
         {"layers", layers},
         {"seconds", m.seconds},
         {"train_samples_per_s", m.train_samples_per_s}};
  if (m.has_test) {
    j["test_loss"] = m.test_loss;
    j["test_accuracy"] = m.test_accuracy;
  }
  return j;
}

epoch_metrics metrics_from_json(const json& j) {
  epoch_metrics m;
  m.epoch = j.at("epoch");
  m.lr = j.at("lr");
  m.train_loss = j.at("train_loss");
  m.train_accuracy = j.at("train_accuracy");
  m.spikes_per_sample = j.at("spikes_per_sample");
  m.seconds = j.at("seconds");
  m.train_samples_per_s = j.at("train_samples_per_s");
  if (j.contains("test_accuracy")) {
    m.has_test = true;
    m.test_loss = j.at("test_loss");
    m.test_accuracy = j.at("test_accuracy");
  }
  for (const auto& l : j.at("layers")) m.layers.push_back({l.at("name"), l.at("firing_rate"), l.at("spikes_per_sample")});
  return m;
}

}  // namespace

void trainer::save_checkpoint(const std::filesystem::path& file, int completed_epochs, const fit_result& state) {
  json header;
  header["format"] = checkpoint_format_name;
  header["network"] = m_net.spec().name;
  header["completed_epochs"] = completed_epochs;
  header["best_epoch"] = state.best_epoch;
  header["best_accuracy"] = state.best_accuracy;
  header["optimizer_steps"] = m_optimizer.steps();
  header["seed"] = m_options.seed;
  json tensors = json::array();
  auto params = m_net.parameters();
  auto bufs = m_net.buffers();
  for (const auto& p : params) tensors.push_back({{"name", p.name}, {"size", p.size}});
  for (const auto& p : bufs) tensors.push_back({{"name", p.name}, {"size", p.size}});
  header["tensors"] = tensors;
  header["optimizer_state"] = {m_optimizer.first_moment().size(), m_optimizer.second_moment().size()};
  json hist = json::array();
  for (const auto& m : state.history) hist.push_back(metrics_json(m));
  header["history"] = hist;
  std::string blob;
  auto put = [&](const float* data, std::size_t n) { blob.append(reinterpret_cast<const char*>(data), n * sizeof(float)); };
  for (const auto& p : params) put(p.value, p.size);
  for (const auto& p : bufs) put(p.value, p.size);
  put(m_optimizer.first_moment().data(), m_optimizer.first_moment().size());
  put(m_optimizer.second_moment().data(), m_optimizer.second_moment().size());
  write_file_atomic(file, encode_checkpoint(header.dump(), blob));
}

int trainer::load_checkpoint(const std::filesystem::path& file, fit_result& state) {
  const checkpoint_file ckpt = read_checkpoint_file(file);
  const std::string where = file.string();
  auto params = m_net.parameters();
  auto bufs = m_net.buffers();
  std::vector<parameter> all = params;
  all.insert(all.end(), bufs.begin(), bufs.end());
  if (ckpt.tensors.size() != all.size())
    throw bad_input(where + ": checkpoint holds " + std::to_string(ckpt.tensors.size()) + " tensors, the network has " +
                    std::to_string(all.size()));
  for (std::size_t i = 0; i < all.size(); ++i)
    if (ckpt.tensors[i].name != all[i].name || ckpt.tensors[i].size != all[i].size)
      throw bad_input(where + ": tensor " + std::to_string(i) + " is " + ckpt.tensors[i].name +
                      " in the checkpoint but " + all[i].name + " in the network");
  std::size_t offset = 0;
  auto get = [&](float* data, std::size_t n) {
    if (n * sizeof(float) > ckpt.data.size() - offset)
      throw bad_input(where + ": byte " + std::to_string(ckpt.data_offset + offset) + ": file truncated");
    std::memcpy(data, ckpt.data.data() + offset, n * sizeof(float));
    offset += n * sizeof(float);
  };
  for (auto& p : all) get(p.value, p.size);
  // The checksum rules out damage, so a header field that is missing or of the wrong type
  // means a file from elsewhere: report it as bad input, not as a library exception.
  try {
    const json header = json::parse(ckpt.header);
    const auto sizes = header.at("optimizer_state");
    if (sizes.size() != 2 || sizes[0] != m_optimizer.first_moment().size() ||
        sizes[1] != m_optimizer.second_moment().size())
      throw bad_input(where + ": optimizer state does not match the configured optimizer");
    get(m_optimizer.first_moment().data(), m_optimizer.first_moment().size());
    get(m_optimizer.second_moment().data(), m_optimizer.second_moment().size());
    m_optimizer.set_steps(header.at("optimizer_steps"));
    state.best_epoch = header.at("best_epoch");
    state.best_accuracy = header.at("best_accuracy");
    state.history.clear();
    for (const auto& h : header.at("history")) state.history.push_back(metrics_from_json(h));
    return header.at("completed_epochs");
  } catch (const json::exception& e) {
    throw bad_input(where + ": checkpoint header: " + e.what());
  }
}

fit_result trainer::fit(batch_source& train, batch_source* test, const std::function<void(const epoch_metrics&)>& on_epoch) {
  fit_result state;
  const auto& dir = m_options.run_dir;
  const auto ckpt = dir / "checkpoint.bin";
  if (!dir.empty() && m_options.resume && std::filesystem::exists(ckpt)) {
    state.start_epoch = load_checkpoint(ckpt, state);
    spdlog::info("resuming {} after epoch {}", ckpt.string(), state.start_epoch);
  }
  for (int epoch = state.start_epoch; epoch < m_options.epochs; ++epoch) {
    auto m = train_epoch(train, epoch);
    if (test != nullptr) {
      const auto r = evaluate(*test);
      m.has_test = true;
      m.test_loss = r.loss;
      m.test_accuracy = r.accuracy;
    }
    const double acc = m.has_test ? m.test_accuracy : m.train_accuracy;
    const bool best = state.best_epoch < 0 || acc > state.best_accuracy;
    if (best) {
      state.best_epoch = epoch;
      state.best_accuracy = acc;
    }
    state.history.push_back(m);
    if (!dir.empty()) {
      if (best) save_checkpoint(dir / "best.bin", epoch + 1, state);
      save_checkpoint(ckpt, epoch + 1, state);
      json hist = json::array();
      for (const auto& h : state.history) hist.push_back(metrics_json(h));
      write_file_atomic(dir / "metrics.json", json{{"best_epoch", state.best_epoch}, {"best_accuracy", state.best_accuracy}, {"epochs", hist}}.dump(2) + "\n");
    }
    if (on_epoch) on_epoch(m);
  }
  return state;
}

}  // namespace snncosim::nn
