#include "snncosim/nn/network_spec.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "snncosim/common/config.h"
#include "snncosim/common/error.h"

namespace snncosim::nn {

const char* to_string(layer_type t) {
  switch (t) {
    case layer_type::conv: return "conv";
    case layer_type::linear: return "linear";
    case layer_type::maxpool: return "maxpool";
    case layer_type::avgpool: return "avgpool";
    case layer_type::batchnorm: return "batchnorm";
    case layer_type::dropout: return "dropout";
    case layer_type::flatten: return "flatten";
    case layer_type::neuron: return "neuron";
  }
  return "?";
}

int validate(network_spec& spec) {
  int c = spec.in_channels, h = spec.in_height, w = spec.in_width;
  bool flat = false;
  if (spec.layers.empty()) throw std::invalid_argument("network '" + spec.name + "' has no layers");
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    auto& l = spec.layers[i];
    if (l.name.empty()) l.name = std::string(to_string(l.type)) + std::to_string(i);
    auto fail = [&](const std::string& what) {
      throw std::invalid_argument("layer " + std::to_string(i) + " (" + l.name + "): " + what);
    };
    switch (l.type) {
      case layer_type::conv: {
        if (flat) fail("conv after a flat layer");
        if (l.channels < 1 || l.kernel < 1 || l.stride < 1 || l.padding < 0) fail("bad conv parameters");
        h = (h + 2 * l.padding - l.kernel) / l.stride + 1;
        w = (w + 2 * l.padding - l.kernel) / l.stride + 1;
        c = l.channels;
        break;
      }
      case layer_type::maxpool:
      case layer_type::avgpool: {
        if (flat) fail("pooling after a flat layer");
        const int s = l.stride > 0 ? l.stride : l.kernel;
        h = (h - l.kernel) / s + 1;
        w = (w - l.kernel) / s + 1;
        break;
      }
      case layer_type::batchnorm:
        if (flat) fail("batchnorm needs a 4-D input");
        break;
      case layer_type::linear:
        if (l.channels < 1) fail("linear needs features >= 1");
        c = l.channels;
        h = w = 1;
        flat = true;
        break;
      case layer_type::flatten:
        c = c * h * w;
        h = w = 1;
        flat = true;
        break;
      case layer_type::dropout:
        if (l.p < 0 || l.p >= 1) fail("dropout p must be in [0, 1)");
        break;
      case layer_type::neuron:
        snn::validate(l.neuron);
        break;
    }
    if (h < 1 || w < 1) fail("spatial size below 1x1");
  }
  if (spec.layers.back().type != layer_type::neuron) throw std::invalid_argument("the last layer must be a neuron layer");
  const int out = c * h * w;
  if (out != spec.output_neurons())
    throw std::invalid_argument("network output has " + std::to_string(out) + " neurons, expected num_classes * population_per_class = " +
                                std::to_string(spec.output_neurons()));
  spec.layers.back().output = true;
  return out;
}

namespace {
layer_spec conv(int ch, int k, int pad) {
  layer_spec l;
  l.type = layer_type::conv;
  l.channels = ch;
  l.kernel = k;
  l.padding = pad;
  return l;
}
layer_spec pool(int k) {
  layer_spec l;
  l.type = layer_type::maxpool;
  l.kernel = k;
  l.stride = k;
  return l;
}
layer_spec neuron(const snn::neuron_config& n) {
  layer_spec l;
  l.type = layer_type::neuron;
  l.neuron = n;
  return l;
}
layer_spec fc(int features) {
  layer_spec l;
  l.type = layer_type::linear;
  l.channels = features;
  return l;
}
layer_spec simple(layer_type t) {
  layer_spec l;
  l.type = t;
  return l;
}
}  // namespace

network_spec csnn_spec(const snn::neuron_config& n, int num_classes, int population) {
  network_spec s;
  s.name = "csnn";
  s.in_channels = 2;
  s.in_height = s.in_width = 34;
  s.num_classes = num_classes;
  s.population_per_class = population;
  s.layers = {conv(12, 5, 0), pool(2), neuron(n), conv(32, 5, 0), pool(2), neuron(n),
              simple(layer_type::flatten), fc(num_classes * population), neuron(n)};
  validate(s);
  return s;
}

network_spec vgg9_spec(const snn::neuron_config& n, double scale, int in_channels, int height, int width,
                       int num_classes, int population, float dropout_p, bool batch_norm) {
  network_spec s;
  s.name = "vgg9";
  s.in_channels = in_channels;
  s.in_height = height;
  s.in_width = width;
  s.num_classes = num_classes;
  s.population_per_class = population;
  auto scaled = [&](int c) { return std::max(1, static_cast<int>(std::lround(c * scale))); };
  auto block = [&](int c) {
    s.layers.push_back(conv(scaled(c), 3, 1));
    if (batch_norm) {
      auto bn = simple(layer_type::batchnorm);
      s.layers.push_back(bn);
    }
  };
  auto drop = [&] {
    auto d = simple(layer_type::dropout);
    d.p = dropout_p;
    if (dropout_p > 0) s.layers.push_back(d);
  };
  block(64);  s.layers.push_back(neuron(n));
  block(112); s.layers.push_back(neuron(n)); s.layers.push_back(pool(2));
  block(192); s.layers.push_back(neuron(n));
  block(216); s.layers.push_back(neuron(n)); s.layers.push_back(pool(2));
  block(480); s.layers.push_back(neuron(n));
  block(504); s.layers.push_back(neuron(n));
  block(560); s.layers.push_back(neuron(n)); s.layers.push_back(pool(4));
  s.layers.push_back(simple(layer_type::flatten));
  drop();
  s.layers.push_back(fc(1064));
  s.layers.push_back(neuron(n));
  drop();
  s.layers.push_back(fc(num_classes * population));
  s.layers.push_back(neuron(n));
  validate(s);
  return s;
}

network_spec mlp_spec(const snn::neuron_config& n, int in_features, const std::vector<int>& hidden, int num_classes,
                      int population) {
  network_spec s;
  s.name = "mlp";
  s.in_channels = in_features;
  s.in_height = s.in_width = 1;
  s.num_classes = num_classes;
  s.population_per_class = population;
  s.layers.push_back(simple(layer_type::flatten));
  for (int h : hidden) {
    s.layers.push_back(fc(h));
    s.layers.push_back(neuron(n));
  }
  s.layers.push_back(fc(num_classes * population));
  s.layers.push_back(neuron(n));
  validate(s);
  return s;
}

namespace {

snn::neuron_config neuron_from_node(const YAML::Node& n, snn::neuron_config base) {
  if (n["model"]) base.model = n["model"].as<std::string>();
  if (n["beta"]) base.beta = n["beta"].as<float>();
  if (n["alpha"]) base.alpha = n["alpha"].as<float>();
  if (n["threshold"]) base.threshold = n["threshold"].as<float>();
  if (n["reset"]) base.reset = snn::parse_reset_mode(n["reset"].as<std::string>());
  if (n["reset_delay"]) base.reset_delay = n["reset_delay"].as<bool>();
  if (n["graded_spikes_factor"]) base.graded_spikes_factor = n["graded_spikes_factor"].as<float>();
  if (n["learn_beta"]) base.learn_beta = n["learn_beta"].as<bool>();
  if (n["learn_threshold"]) base.learn_threshold = n["learn_threshold"].as<bool>();
  if (n["r"]) base.r = n["r"].as<float>();
  if (n["c"]) base.c = n["c"].as<float>();
  if (n["time_step"]) base.time_step = n["time_step"].as<float>();
  if (const auto sg = n["surrogate"]) {
    if (sg["name"]) base.surrogate.name = sg["name"].as<std::string>();
    if (const auto params = sg["params"])
      for (const auto& kv : params) base.surrogate.params[kv.first.as<std::string>()] = kv.second.as<double>();
  }
  return base;
}

int int_or(const YAML::Node& n, const char* key, int fallback) { return n[key] ? n[key].as<int>() : fallback; }

}  // namespace

network_spec network_spec_from_yaml(const config::document& doc, const std::string& prefix) {
  const YAML::Node root = prefix.empty() ? doc.root() : doc.at(prefix.substr(0, prefix.size() - 1));
  network_spec s;
  s.name = root["name"].as<std::string>("network");
  s.in_channels = root["input"]["channels"].as<int>();
  s.in_height = root["input"]["height"].as<int>();
  s.in_width = root["input"]["width"].as<int>();
  s.num_classes = root["num_classes"].as<int>();
  s.population_per_class = root["population_per_class"].as<int>(1);
  const double scale = root["channel_scale"].as<double>(1.0);
  const snn::neuron_config base = neuron_from_node(root["neuron"], snn::neuron_config{});
  const YAML::Node layers = root["layers"];
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const YAML::Node n = layers[i];
    const std::string path = prefix + "layers." + std::to_string(i);
    const auto type = n["type"].as<std::string>();
    layer_spec l;
    if (n["name"]) l.name = n["name"].as<std::string>();
    try {
      if (type == "conv") {
        l.type = layer_type::conv;
        l.channels = std::max(1, static_cast<int>(std::lround(n["channels"].as<int>() * scale)));
        l.kernel = int_or(n, "kernel_size", 3);
        l.stride = int_or(n, "stride", 1);
        l.padding = int_or(n, "padding", 0);
        l.bias = n["bias"].as<bool>(true);
      } else if (type == "linear") {
        l.type = layer_type::linear;
        l.channels = n["features"].as<int>();
        l.bias = n["bias"].as<bool>(true);
      } else if (type == "maxpool" || type == "avgpool") {
        l.type = type == "maxpool" ? layer_type::maxpool : layer_type::avgpool;
        l.kernel = int_or(n, "kernel_size", 2);
        l.stride = int_or(n, "stride", 0);
      } else if (type == "batchnorm") {
        l.type = layer_type::batchnorm;
        l.eps = n["eps"].as<float>(1e-5f);
        l.momentum = n["momentum"].as<float>(0.1f);
      } else if (type == "dropout") {
        l.type = layer_type::dropout;
        l.p = n["p"].as<float>(0.5f);
      } else if (type == "flatten") {
        l.type = layer_type::flatten;
      } else if (type == "neuron") {
        l.type = layer_type::neuron;
        l.neuron = neuron_from_node(n, base);
        l.output = n["output"].as<bool>(false);
      } else {
        throw bad_input(doc.where(path + ".type") + ": " + path + ".type: unknown layer type '" + type + "'");
      }
    } catch (const YAML::Exception& e) {
      throw bad_input(doc.where(path) + ": " + path + ": " + e.what());
    }
    s.layers.push_back(l);
  }
  try {
    validate(s);
  } catch (const bad_input& e) {
    throw bad_input(doc.where(prefix + "layers") + ": " + e.what());
  } catch (const std::invalid_argument& e) {
    throw bad_input(doc.where(prefix + "layers") + ": " + prefix + "layers: " + e.what());
  }
  return s;
}

}  // namespace snncosim::nn
