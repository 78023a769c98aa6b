// load_simulation_inputs and read_trace_samples on a one-layer model written to files: the
// hardware overrides reach the resolved configuration, the platform is optional, and a trace
// of another model is refused before anything is simulated.
#include <doctest/doctest.h>

#include <unistd.h>

#include "snncosim/common/error.h"
#include "snncosim/explore/inputs.h"
#include "snncosim/numerics/integer_inference.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/testing/models.h"

namespace nx = snncosim::numerics;
namespace sm = snncosim::sc_models;
namespace fs = std::filesystem;
using snncosim::explore::load_simulation_inputs;
using snncosim::explore::read_trace_samples;

namespace {

const std::string hardware = std::string(SNNCOSIM_SOURCE_DIR) + "/yaml/hardware/default.yaml";
const std::string platform = std::string(SNNCOSIM_SOURCE_DIR) + "/platforms/zcu102.yaml";

struct files {
  fs::path dir = fs::temp_directory_path() / ("snncosim_inputs_" + std::to_string(::getpid()));
  nx::quant_model model;
  files() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::mt19937_64 rng(3);
    model.input = {1, 4, 4};
    model.layers.push_back(snncosim::testing::conv(rng, "conv1", 1, 2, 3, 1, 1, snncosim::testing::leaky(0.5, 1.0)));
    nx::write_model_file(dir / "model.h5", model);
  }
  ~files() { fs::remove_all(dir); }
  std::string path(const char* name) const { return (dir / name).string(); }
};

// Three samples of T = 2 with dataset indices 10, 11, 12.
void write_traces(const files& f, const nx::quant_model& m, const std::string& name) {
  std::mt19937_64 rng(5);
  std::vector<nx::trace_sample> samples;
  for (int i = 0; i < 3; ++i) {
    nx::trace_sample s;
    s.sample_index = 10 + i;
    s.result = nx::run_integer_inference(m, snncosim::testing::random_spikes(rng, m.input.size() * 2, 0.3), 2);
    samples.push_back(std::move(s));
  }
  nx::write_trace_file(f.dir / name, {"integer", "model.h5", "test", "inputs_tests"}, samples);
}

}  // namespace

TEST_CASE("inputs: model and hardware with overrides without and with a platform") {
  const files f;
  const auto plain = load_simulation_inputs(f.path("model.h5"), hardware, {}, "");
  CHECK(plain.model.layers.size() == 1);
  CHECK_FALSE(plain.platform_doc.has_value());
  CHECK(plain.hw.name == "default");
  REQUIRE(plain.hw.layers.size() == 1);
  CHECK(plain.hw.layers[0].layer_name == "conv1");
  CHECK(plain.hw.layers[0].neuron_cores == 1);  // default.yaml: layer_defaults.neuron_cores: 1
  CHECK(plain.hardware_doc.file() == fs::path(hardware));

  const auto set = load_simulation_inputs(f.path("model.h5"), hardware,
                                          {"layer_defaults.neuron_cores=2", "pipeline_mode=timestep_pipelined"}, platform);
  REQUIRE(set.platform_doc.has_value());
  CHECK(set.hw.platform_name == "ZCU102");
  CHECK(set.hw.clock_mhz == 200);  // zcu102.yaml
  CHECK(set.hw.layers[0].neuron_cores == 2);
  CHECK(set.hw.mode == sm::pipeline_mode::timestep_pipelined);
}

TEST_CASE("inputs: a malformed or unknown override is bad input naming it") {
  const files f;
  CHECK_THROWS_WITH_AS(load_simulation_inputs(f.path("model.h5"), hardware, {"layer_defaults.neuron_cores"}, ""),
                       "--set layer_defaults.neuron_cores: expected key.path=value", snncosim::bad_input);
  CHECK_THROWS_AS(load_simulation_inputs(f.path("model.h5"), hardware, {"no_such_key=1"}, ""), snncosim::bad_input);
  CHECK_THROWS_AS(load_simulation_inputs(f.path("missing.h5"), hardware, {}, ""), snncosim::bad_input);
}

TEST_CASE("inputs: the first N trace samples with their dataset indices and a trace of another model refused") {
  const files f;
  write_traces(f, f.model, "traces.h5");
  const nx::trace_reader reader(f.path("traces.h5"));
  const auto two = read_trace_samples(reader, f.path("traces.h5"), 2, f.model, "model.h5");
  REQUIRE(two.inputs.size() == 2);
  CHECK(two.indices == std::vector<std::int64_t>{10, 11});
  CHECK(two.inputs[0].num_steps == 2);
  CHECK(two.inputs[0].spikes.size() == 16 * 2);
  CHECK(two.last_steps == 2);
  // More than the file holds: all of them.
  CHECK(read_trace_samples(reader, f.path("traces.h5"), 99, f.model, "model.h5").inputs.size() == 3);
  CHECK(read_trace_samples(reader, f.path("traces.h5"), 0, f.model, "model.h5").inputs.empty());

  nx::quant_model other = f.model;
  other.input = {1, 5, 5};
  std::mt19937_64 rng(4);
  other.layers[0] = snncosim::testing::conv(rng, "conv1", 1, 2, 3, 1, 1, snncosim::testing::leaky(0.5, 1.0));
  write_traces(f, other, "other.h5");
  const nx::trace_reader wrong(f.path("other.h5"));
  CHECK_THROWS_AS(read_trace_samples(wrong, f.path("other.h5"), 1, f.model, "model.h5"), snncosim::bad_input);
}
