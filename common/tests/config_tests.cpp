#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "snncosim/common/config.h"
#include "test_files.h"

using snncosim::bad_input;
using snncosim::config::load;
using snncosim::config::load_text;
using snncosim::config::parse_override;
using snncosim::test::scratch_dir;

namespace {

// Returns the bad_input message of `f`, failing the test when nothing is thrown.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const bad_input& e) {
    return e.what();
  }
  FAIL("expected bad_input");
  return {};
}

const char* hardware_ok =
    "schema: snncosim.hardware/1\n"
    "name: hw\n"
    "layer_defaults:\n"
    "  neuron_cores: 4\n";

}  // namespace

TEST_CASE("a valid document gets its defaults filled in") {
  const auto doc = load_text(hardware_ok, "hw.yaml");
  CHECK(doc.kind() == "hardware");
  CHECK(doc.version() == 1);
  CHECK(doc.get<int>("layer_defaults.neuron_cores") == 4);
  // Defaults from yaml/schemas/hardware.yaml
  CHECK(doc.get<std::string>("pipeline_mode") == "layer_sequential");
  CHECK(doc.get<int>("layer_defaults.weight_memory.read_latency_cycles") == 1);
  CHECK(doc.get<int>("layer_defaults.spike_fifo_depth") == 16);
  CHECK(doc.where("layer_defaults.neuron_cores") == "hw.yaml:4:3");
}

TEST_CASE("unknown key names file and line and column and the key path and the valid keys") {
  const auto msg = error_of([] {
    load_text("schema: snncosim.hardware/1\nlayer_defaults:\n  neuron_core: 3\n", "hw.yaml");
  });
  CHECK(msg.find("hw.yaml:3:3: layer_defaults.neuron_core: unknown key") == 0);
  CHECK(msg.find("neuron_cores") != std::string::npos);
}

TEST_CASE("wrong schema ids are rejected") {
  SUBCASE("missing") {
    CHECK(error_of([] { load_text("name: x\n", "a.yaml"); }).find("a.yaml:1:1: schema: missing key") == 0);
  }
  SUBCASE("unknown kind") {
    CHECK(error_of([] { load_text("schema: snncosim.gpu/1\n", "a.yaml"); }).find("a.yaml:1:1: schema: unknown document kind 'gpu'") == 0);
  }
  SUBCASE("not ours") {
    CHECK(error_of([] { load_text("schema: other/1\n", "a.yaml"); }).find("unknown schema id 'other/1'") != std::string::npos);
  }
  SUBCASE("newer version") {
    CHECK(error_of([] { load_text("schema: snncosim.hardware/9\n", "a.yaml"); })
              .find("schema version 9 of 'hardware' is not supported; expected snncosim.hardware/1") != std::string::npos);
  }
  SUBCASE("kind other than expected") {
    CHECK(error_of([] { load_text(hardware_ok, "a.yaml", {}, "platform"); })
              .find("this is a hardware document; expected a platform document") != std::string::npos);
  }
}

TEST_CASE("wrong types are rejected") {
  SUBCASE("string for an int") {
    const auto msg = error_of([] {
      load_text("schema: snncosim.hardware/1\nlayer_defaults:\n  neuron_cores: many\n", "hw.yaml");
    });
    CHECK(msg == "hw.yaml:3:3: layer_defaults.neuron_cores: got 'many'; expected an integer in [1, 4096] (cores)");
  }
  SUBCASE("float for an int") {
    CHECK(error_of([] { load_text("schema: snncosim.hardware/1\nlayer_defaults: {neuron_cores: 1.5}\n", "h.yaml"); })
              .find("got '1.5'; expected an integer") != std::string::npos);
  }
  SUBCASE("quoted number is a string") {
    CHECK(error_of([] { load_text("schema: snncosim.hardware/1\nclock_mhz: \"100\"\n", "h.yaml"); })
              .find("clock_mhz: got '100'; expected a number") != std::string::npos);
  }
  SUBCASE("mapping for a scalar") {
    CHECK(error_of([] { load_text("schema: snncosim.hardware/1\nclock_mhz: {a: 1}\n", "h.yaml"); })
              .find("clock_mhz: got a mapping") != std::string::npos);
  }
  SUBCASE("bad enum") {
    CHECK(error_of([] { load_text("schema: snncosim.hardware/1\npipeline_mode: fast\n", "h.yaml"); })
              .find("pipeline_mode: got 'fast'; expected one of layer_sequential timestep_pipelined") != std::string::npos);
  }
  SUBCASE("bad bool") {
    CHECK(error_of([] {
            load_text("schema: snncosim.network/1\ninput: {height: 4, width: 4}\nnum_classes: 2\n"
                      "neuron: {reset_delay: maybe}\nlayers: [{type: flatten}]\n", "n.yaml");
          }).find("neuron.reset_delay: got 'maybe'; expected true or false") != std::string::npos);
  }
}

TEST_CASE("out-of-range values are rejected with the range") {
  const auto msg = error_of([] {
    load_text("schema: snncosim.hardware/1\nlayer_defaults:\n  neuron_cores: 0\n", "hw.yaml");
  });
  CHECK(msg == "hw.yaml:3:3: layer_defaults.neuron_cores: value 0 is out of range; expected an integer in [1, 4096] (cores)");
  CHECK(error_of([] { load_text("schema: snncosim.hardware/1\nclock_mhz: -1\n", "h.yaml"); })
            .find("clock_mhz: value -1 is out of range") != std::string::npos);
}

TEST_CASE("missing required keys are named") {
  const auto msg = error_of([] { load_text("schema: snncosim.network/1\nnum_classes: 2\nlayers: [{type: flatten}]\n", "n.yaml"); });
  CHECK(msg.find("input.height: missing required key") != std::string::npos);
}

TEST_CASE("tagged layer lists check each variant's keys") {
  const std::string head = "schema: snncosim.network/1\ninput: {height: 8, width: 8}\nnum_classes: 2\nlayers:\n";
  const auto doc = load_text(head + "  - {type: conv, channels: 4}\n  - {type: neuron}\n", "n.yaml");
  CHECK(doc.get<int>("layers.0.kernel_size") == 3);
  CHECK(doc.get<bool>("layers.1.output") == false);
  CHECK(error_of([&] { load_text(head + "  - {type: conv, channels: 4, features: 3}\n", "n.yaml"); })
            .find("n.yaml:5:31: layers.0.features: unknown key") == 0);
  CHECK(error_of([&] { load_text(head + "  - {type: transformer}\n", "n.yaml"); })
            .find("layers.0.type: got 'transformer'; expected one of") != std::string::npos);
  CHECK(error_of([&] { load_text(head + "  - {type: conv}\n", "n.yaml"); })
            .find("layers.0.channels: missing required key") != std::string::npos);
}

TEST_CASE("malformed YAML names the place") {
  const auto msg = error_of([] { load_text("schema: snncosim.hardware/1\nname: [unclosed\n", "hw.yaml"); });
  CHECK(msg.find("hw.yaml:") == 0);
  CHECK(msg.find("malformed YAML") != std::string::npos);
}

TEST_CASE("a missing file is an error naming the file") {
  CHECK(error_of([] { load("/nonexistent/dir/x.yaml"); }) == "/nonexistent/dir/x.yaml: file not found");
}

TEST_CASE("dotted overrides") {
  SUBCASE("change a value and record where it came from") {
    const auto doc = load_text(hardware_ok, "hw.yaml", {parse_override("layer_defaults.neuron_cores=8")});
    CHECK(doc.get<int>("layer_defaults.neuron_cores") == 8);
    CHECK(doc.where("layer_defaults.neuron_cores") == "--set layer_defaults.neuron_cores=8");
  }
  SUBCASE("create a free-named entry") {
    const auto doc = load_text(hardware_ok, "hw.yaml", {parse_override("layers.conv1.neuron_cores=2")});
    CHECK(doc.get<int>("layers.conv1.neuron_cores") == 2);
  }
  SUBCASE("a bad override value is reported as the override") {
    CHECK(error_of([] { load_text(hardware_ok, "hw.yaml", {parse_override("clock_mhz=fast")}); }) ==
          "--set clock_mhz=fast: clock_mhz: got 'fast'; expected a number in [0, 1500] (MHz)");
  }
  SUBCASE("an unknown override key is an unknown key") {
    CHECK(error_of([] { load_text(hardware_ok, "hw.yaml", {parse_override("clock_ghz=1")}); })
              .find("clock_ghz: unknown key") != std::string::npos);
  }
  SUBCASE("list index past the end") {
    const std::string net = "schema: snncosim.network/1\ninput: {height: 8, width: 8}\nnum_classes: 2\nlayers: [{type: flatten}]\n";
    CHECK(error_of([&] { load_text(net, "n.yaml", {parse_override("layers.3.name=x")}); }).find("index 3 is past the end") != std::string::npos);
  }
  SUBCASE("missing '='") { CHECK_THROWS_AS(parse_override("clock_mhz"), bad_input); }
}

TEST_CASE("experiments inline referenced files and overrides reach into them") {
  scratch_dir dir;
  dir.write("hw/hw.yaml", hardware_ok);
  dir.write("net.yaml", "schema: snncosim.network/1\ninput: {height: 8, width: 8}\nnum_classes: 2\nlayers: [{type: flatten}]\n");
  const auto exp = dir.write("exp/e.yaml", "schema: snncosim.experiment/1\nnetwork: ../net.yaml\nhardware: ../hw/hw.yaml\n");
  const auto doc = load(exp, {parse_override("hardware.clock_mhz=200")});
  CHECK(doc.get<double>("hardware.clock_mhz") == 200.0);
  CHECK(doc.get<int>("hardware.layer_defaults.neuron_cores") == 4);
  CHECK(doc.source_file("hardware.layer_defaults") == dir.path() / "exp/../hw/hw.yaml");
  CHECK(doc.get<int>("training.batch_size") == 32);

  SUBCASE("an error inside a referenced file names that file") {
    dir.write("hw/hw.yaml", "schema: snncosim.hardware/1\nlayer_defaults: {neuron_cores: 0}\n");
    const auto msg = error_of([&] { load(exp); });
    CHECK(msg.find("hw/hw.yaml:2:18: hardware.layer_defaults.neuron_cores: value 0 is out of range") != std::string::npos);
  }
  SUBCASE("a missing referenced file") {
    dir.write("exp/e.yaml", "schema: snncosim.experiment/1\nnetwork: ../nope.yaml\n");
    const auto msg = error_of([&] { load(exp); });
    CHECK(msg.find("e.yaml:2:1: network: referenced file") != std::string::npos);
    CHECK(msg.find("not found") != std::string::npos);
  }
  SUBCASE("a reference of the wrong kind") {
    dir.write("exp/e.yaml", "schema: snncosim.experiment/1\nnetwork: ../hw/hw.yaml\n");
    CHECK(error_of([&] { load(exp); }).find("is a hardware document; expected a network document") != std::string::npos);
  }
}

TEST_CASE("one level of defaults: include") {
  scratch_dir dir;
  dir.write("base.yaml", "schema: snncosim.hardware/1\nname: base\nclock_mhz: 150\nlayer_defaults: {neuron_cores: 2, penc_width_bits: 16}\n");
  const auto top = dir.write("top.yaml", "schema: snncosim.hardware/1\ndefaults: base.yaml\nlayer_defaults: {neuron_cores: 8}\n");
  const auto doc = load(top);
  CHECK(doc.get<std::string>("name") == "base");
  CHECK(doc.get<double>("clock_mhz") == 150.0);
  CHECK(doc.get<int>("layer_defaults.neuron_cores") == 8);     // overlay wins
  CHECK(doc.get<int>("layer_defaults.penc_width_bits") == 16);  // deep merge keeps base keys
  CHECK(doc.where("clock_mhz").find("base.yaml:3:1") != std::string::npos);

  SUBCASE("two levels are refused") {
    dir.write("base.yaml", "schema: snncosim.hardware/1\ndefaults: other.yaml\n");
    CHECK(error_of([&] { load(top); }).find("only one level of defaults") != std::string::npos);
  }
  SUBCASE("a missing defaults file") {
    dir.write("top.yaml", "schema: snncosim.hardware/1\ndefaults: gone.yaml\n");
    CHECK(error_of([&] { load(top); }).find("top.yaml:2:1: defaults: referenced file") != std::string::npos);
  }
  SUBCASE("defaults of another kind") {
    dir.write("base.yaml", "schema: snncosim.platform/1\n");
    CHECK(error_of([&] { load(top); }).find("expected a hardware document") != std::string::npos);
  }
}

TEST_CASE("every shipped YAML file validates") {
  namespace fs = std::filesystem;
  int count = 0;
  for (const char* dir : {"yaml/experiments", "yaml/networks", "yaml/hardware", "platforms"}) {
    const fs::path root = fs::path(SNNCOSIM_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::directory_iterator(root)) {
      if (entry.path().extension() != ".yaml") continue;
      INFO(entry.path().string());
      CHECK_NOTHROW(load(entry.path()));
      ++count;
    }
  }
  CHECK(count >= 6);
}

TEST_CASE("schema descriptions cover every kind with types and units") {
  for (const auto& kind : snncosim::config::schema_kinds()) {
    const auto keys = snncosim::config::describe_schema(kind);
    CHECK(keys.size() > 3);
  }
  const auto hw = snncosim::config::describe_schema("hardware");
  bool found = false;
  for (const auto& k : hw) {
    if (k.path == "layer_defaults.weight_memory.read_latency_cycles") {
      found = true;
      CHECK(k.type == "int");
      CHECK(k.unit == "cycles");
      CHECK(k.default_value == "1");
    }
  }
  CHECK(found);
}
