#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fmt/format.h>

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

TEST_CASE("parse_overrides keeps every --set in order and names the first malformed one") {
  const auto ov = snncosim::config::parse_overrides({"a.b=1", "c=x=y", "d="});
  REQUIRE(ov.size() == 3);
  CHECK(ov[0].path == "a.b");
  CHECK(ov[0].value == "1");
  // Only the first '=' splits: the value may hold '=' itself.
  CHECK(ov[1].path == "c");
  CHECK(ov[1].value == "x=y");
  CHECK(ov[2].path == "d");
  CHECK(ov[2].value.empty());
  CHECK(snncosim::config::parse_overrides({}).empty());
  CHECK(error_of([] { snncosim::config::parse_overrides({"ok=1", "no_equals", "=2"}); }) ==
        "--set no_equals: expected key.path=value");
  CHECK(error_of([] { snncosim::config::parse_overrides({"=2"}); }) == "--set =2: expected key.path=value");
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

// ---------------------------------------------------------------------------------------
// Robustness of the YAML layer: malformed and hostile documents fail with one clear error.

namespace {

// `levels` anchors, each a list of ten aliases of the one before: 10^levels leaves once
// expanded, from a few hundred bytes of text.
std::string alias_bomb(int levels) {
  std::string out = "schema: snncosim.hardware/1\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= levels; ++i) {
    out += fmt::format("l{}: &l{} [", i, i);
    for (int k = 0; k < 10; ++k) out += fmt::format("{}*l{}", k ? ", " : "", i - 1);
    out += "]\n";
  }
  return out;
}

}  // namespace

TEST_CASE("alias expansion is bounded and the message names the alias's line and the limit") {
  // Line 1 is the schema, line 2 l0, line k+2 defines l(k). Sizes (the list node plus its
  // items): l0 = 11, l(k) = 1 + 10 l(k-1): l1 = 111, l2 = 1111, l3 = 11111. Counting the
  // root map and every key: 3 after `schema`, +12 (l0) = 15, +112 = 127, +1112 = 1239,
  // +11112 = 12351; then key l4 and its list: 12353. Each *l3 adds 11111: after 7 aliases
  // 90130, the 8th would make 101241 > 100000. It starts at column 10 + 7 * 5 = 45 of line 6.
  const auto msg = error_of([] { load_text(alias_bomb(12), "bomb.yaml"); });
  INFO(msg);
  CHECK(msg.find("bomb.yaml:6:45: alias *l3 (anchor at line 5) expands the document past 100000 nodes") == 0);
  CHECK(msg.find("100000") != std::string::npos);
  CHECK(msg.find("alias") != std::string::npos);
}

TEST_CASE("a document just under the node limit is not rejected for its size") {
  // As above: 12353 nodes before the list of line 6, 7 aliases of l3 make 90130 <= 100000.
  // The document is then refused only because l0.. are unknown keys of a hardware document.
  std::string text = alias_bomb(3) + "big: [";
  for (int k = 0; k < 7; ++k) text += fmt::format("{}*l3", k ? ", " : "");
  text += "]\n";
  const auto msg = error_of([&] { load_text(text, "ok.yaml"); });
  INFO(msg);
  CHECK(msg.find("unknown key") != std::string::npos);
  CHECK(msg.find("100000") == std::string::npos);
}

TEST_CASE("an alias inside its own anchor is refused") {
  const auto msg = error_of([] { load_text("schema: snncosim.hardware/1\na: &self [1, *self]\n", "loop.yaml"); });
  INFO(msg);
  CHECK(msg.find("loop.yaml:2:") == 0);
  CHECK(msg.find("*self") != std::string::npos);
}

TEST_CASE("aliases are copied: an override of one place leaves the other alone") {
  const std::string net =
      "schema: snncosim.network/1\ninput: {height: 8, width: 8}\nnum_classes: 2\n"
      "layers: [&fc {type: linear, features: 4}, *fc, {type: linear, features: 2}]\n";
  const auto doc = load_text(net, "n.yaml", {parse_override("layers.0.features=6")});
  CHECK(doc.get<int>("layers.0.features") == 6);
  CHECK(doc.get<int>("layers.1.features") == 4);
}

TEST_CASE("an alias bomb in a --set value is bounded too") {
  // Nested flow lists, each holding ten aliases of the previous one: 10^8 leaves.
  std::string value = "{a0: &a0 [x, x, x, x, x, x, x, x, x, x]";
  for (int i = 1; i <= 8; ++i) {
    value += fmt::format(", a{}: &a{} [", i, i);
    for (int k = 0; k < 10; ++k) value += fmt::format("{}*a{}", k ? ", " : "", i - 1);
    value += "]";
  }
  value += "}";
  const auto msg = error_of([&] { load_text(hardware_ok, "hw.yaml", {parse_override("name=" + value)}); });
  INFO(msg);
  CHECK(msg.find("--set name=") == 0);
  CHECK(msg.find("100000") != std::string::npos);
}

TEST_CASE("documents over 4 MiB are refused before parsing") {
  scratch_dir dir;
  // 28 bytes of schema line, "# ", 4 MiB of x and a newline: 4194335 bytes.
  const auto file = dir.write("big.yaml", "schema: snncosim.hardware/1\n# " + std::string(4u << 20, 'x') + "\n");
  const auto msg = error_of([&] { load(file); });
  INFO(msg);
  CHECK(msg.find(file.string() + ": 4194335 bytes") == 0);
  CHECK(msg.find("4194304") != std::string::npos);
}

TEST_CASE("deep nesting is refused with its line") {
  const auto msg = error_of([] { load_text("schema: snncosim.hardware/1\nx: " + std::string(100, '[') + std::string(100, ']') + "\n", "deep.yaml"); });
  INFO(msg);
  CHECK(msg.find("deep.yaml:2:") == 0);
  CHECK(msg.find("64 levels") != std::string::npos);
}

TEST_CASE("a key given twice in one mapping is refused at the second occurrence") {
  SUBCASE("top level") {
    const auto msg = error_of([] {
      load_text("schema: snncosim.hardware/1\nname: a\nclock_mhz: 100\nname: b\n", "dup.yaml");
    });
    INFO(msg);
    CHECK(msg.find("dup.yaml:4:1: key 'name' is given twice") == 0);
  }
  SUBCASE("nested block mapping") {
    const auto msg = error_of([] {
      load_text("schema: snncosim.hardware/1\nlayer_defaults:\n  neuron_cores: 2\n  neuron_cores: 4\n", "dup.yaml");
    });
    INFO(msg);
    CHECK(msg.find("dup.yaml:4:3: key 'neuron_cores' is given twice") == 0);
  }
  SUBCASE("flow mapping") {
    const auto msg = error_of([] { load_text("schema: snncosim.hardware/1\nlayer_defaults: {neuron_cores: 2, neuron_cores: 4}\n", "dup.yaml"); });
    INFO(msg);
    // "layer_defaults: {" and "neuron_cores: 2, " are 17 characters each.
    CHECK(msg.find("dup.yaml:2:35: key 'neuron_cores'") == 0);
  }
  SUBCASE("the same key in two different mappings is fine") {
    CHECK_NOTHROW(load_text("schema: snncosim.hardware/1\nlayers: {a: {neuron_cores: 2}, b: {neuron_cores: 2}}\n", "ok.yaml"));
  }
  SUBCASE("in a --set value") {
    const auto msg = error_of([] { load_text(hardware_ok, "hw.yaml", {parse_override("layer_defaults={neuron_cores: 2, neuron_cores: 3}")}); });
    INFO(msg);
    CHECK(msg.find("--set layer_defaults={neuron_cores: 2, neuron_cores: 3}: bad value: key 'neuron_cores' is given twice") == 0);
  }
}

TEST_CASE("a mapping key that is a list is refused") {
  const auto msg = error_of([] { load_text("schema: snncosim.hardware/1\n? [a, b]\n: 1\n", "key.yaml"); });
  INFO(msg);
  CHECK(msg.find("key.yaml:2:3: a mapping key is a list or mapping") == 0);
}

TEST_CASE("invalid UTF-8 in a value or a key is refused with its line") {
  SUBCASE("a value (Latin-1 e-acute)") {
    const auto msg = error_of([] { load_text("schema: snncosim.hardware/1\n\nname: caf\xe9\n", "enc.yaml"); });
    INFO(msg);
    CHECK(msg.find("enc.yaml:3:7: byte 0xe9 at offset 3 of this value is not valid UTF-8") == 0);
  }
  SUBCASE("a key") {
    const auto msg = error_of([] { load_text("schema: snncosim.hardware/1\nn\xffme: x\n", "enc.yaml"); });
    INFO(msg);
    CHECK(msg.find("enc.yaml:2:1: byte 0xff at offset 1") == 0);
  }
  SUBCASE("overlong encoding of '/'") {
    CHECK(error_of([] { load_text("schema: snncosim.hardware/1\nname: a\xc0\xafz\n", "enc.yaml"); }).find("byte 0xc0") != std::string::npos);
  }
  SUBCASE("a UTF-16 surrogate encoded in UTF-8") {
    CHECK(error_of([] { load_text("schema: snncosim.hardware/1\nname: \xed\xa0\x80\n", "enc.yaml"); }).find("byte 0xed at offset 0") != std::string::npos);
  }
  SUBCASE("a truncated sequence at the end of the value") {
    CHECK(error_of([] { load_text("schema: snncosim.hardware/1\nname: ab\xe2\x82\n", "enc.yaml"); }).find("byte 0xe2 at offset 2") != std::string::npos);
  }
  SUBCASE("valid multi-byte UTF-8 passes") {
    const auto doc = load_text("schema: snncosim.hardware/1\nname: \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"\n", "ok.yaml");
    CHECK(doc.get<std::string>("name") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  }
}

TEST_CASE("the experiment name must be a plain folder name") {
  scratch_dir dir;
  dir.write("net.yaml", "schema: snncosim.network/1\ninput: {height: 8, width: 8}\nnum_classes: 2\nlayers: [{type: flatten}]\n");
  const auto exp = dir.write("e.yaml", "schema: snncosim.experiment/1\nnetwork: net.yaml\nname: run-1.b_c\n");
  CHECK(load(exp).get<std::string>("name") == "run-1.b_c");
  for (const char* bad : {"../escape", "a/b", "..", ".", "with space", "/abs"}) {
    INFO(bad);
    const auto msg = error_of([&] { load(exp, {parse_override(std::string("name=") + bad)}); });
    INFO(msg);
    CHECK(msg.find("name: got '") != std::string::npos);
    CHECK(msg.find("plain name") != std::string::npos);
  }
  const auto exp2 = dir.write("e2.yaml", "schema: snncosim.experiment/1\nnetwork: net.yaml\nname: ''\n");
  CHECK(error_of([&] { load(exp2); }).find("e2.yaml:3:1: name: got ''") != std::string::npos);
}

TEST_CASE("invalid UTF-8 in a --set key or value is refused and the bytes shown escaped") {
  CHECK(error_of([] { load_text(hardware_ok, "hw.yaml", {parse_override("name=caf\xe9")}); }) ==
        "--set name=caf\\xe9: byte 0xe9 at offset 3 of the value is not valid UTF-8");
  CHECK(error_of([] { load_text(hardware_ok, "hw.yaml", {parse_override("n\xff" "a=1")}); }) ==
        "--set n\\xffa=1: byte 0xff at offset 1 of the key is not valid UTF-8");
}

TEST_CASE("an alias used as a key is that key for the duplicate check") {
  // Line 2 anchors the scalar "clock_mhz"; line 3 uses it as a key next to the same key.
  const auto msg = error_of([] {
    load_text("schema: snncosim.hardware/1\nname: &k clock_mhz\nlayers: {a: {*k : 1, clock_mhz: 2}}\n", "k.yaml");
  });
  INFO(msg);
  CHECK(msg.find("k.yaml:3:") == 0);
  CHECK(msg.find("key 'clock_mhz' is given twice") != std::string::npos);
}

TEST_CASE("an alias of a scalar names the anchor's line") {
  // 99999 nodes of a list of aliases would pass; the scalar anchor on line 2 is named when
  // a list of 100000 of its aliases (plus root, keys and lists) goes past the limit.
  std::string text = "schema: snncosim.hardware/1\nname: &s x\nlayers: [";
  for (int k = 0; k < 100000; ++k) text += k ? ", *s" : "*s";
  text += "]\n";
  const auto msg = error_of([&] { load_text(text, "s.yaml"); });
  INFO(msg);
  CHECK(msg.find("alias *s (anchor at line 2)") != std::string::npos);
}
