// Model and trace files: round trips, and clear bad_input errors for truncated, corrupt,
// newer-version, wrong-format and incomplete files (docs/formats.md).
#include <doctest/doctest.h>

#include <hdf5.h>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <fstream>
#include <string>
#include <vector>

#include "snncosim/common/error.h"
#include "snncosim/numerics/model_file.h"
#include "snncosim/numerics/trace_file.h"
#include "test_models.h"

using namespace snncosim::numerics;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("snncosim_numerics_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const snncosim::bad_input& e) {
    return e.what();
  }
  return "<no bad_input thrown>";
}

quant_model model_with_floats() {
  quant_model m = testing::hand_model();
  float_neuron n;
  n.model = neuron_model::lapicque;
  n.beta = 0.3;
  n.reset = float_reset::zero;
  n.threshold = 0.75;
  datapath_widths w;
  w.weight_bits = 4;
  m.layers[0] = make_neuron_layer("conv1", layer_kind::conv, 2, 2, 1, 0,
                                  {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.05f}, {0.01f, -0.02f}, n, w, true);
  return m;
}

void set_root_int_attr(const fs::path& p, const char* name, long long value) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const hid_t a = H5Aopen(f, name, H5P_DEFAULT);
  REQUIRE(a >= 0);
  REQUIRE(H5Awrite(a, H5T_NATIVE_LLONG, &value) >= 0);
  H5Aclose(a);
  H5Fclose(f);
}

void delete_link(const fs::path& p, const char* path) {
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(f >= 0);
  REQUIRE(H5Ldelete(f, path, H5P_DEFAULT) >= 0);
  H5Fclose(f);
}

}  // namespace

TEST_CASE("model file round trip keeps every field") {
  const fs::path dir = temp_dir("model_rt");
  const quant_model m = model_with_floats();
  write_model_file(dir / "m.h5", m);
  const quant_model r = read_model_file(dir / "m.h5");
  CHECK(r.input == m.input);
  CHECK(r.num_classes == m.num_classes);
  CHECK(r.numerics_version == numerics_version);
  CHECK(r.origin.config_text == m.origin.config_text);
  CHECK(r.origin.seed == m.origin.seed);
  CHECK(r.origin.git_sha == m.origin.git_sha);
  REQUIRE(r.layers.size() == m.layers.size());
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    CAPTURE(i);
    const quant_layer& a = m.layers[i];
    const quant_layer& b = r.layers[i];
    CHECK(a.name == b.name);
    CHECK(a.kind == b.kind);
    CHECK(a.kernel == b.kernel);
    CHECK(a.stride == b.stride);
    CHECK(a.weights == b.weights);
    CHECK(a.bias == b.bias);
    CHECK(a.gain == b.gain);
    CHECK(a.weight_scale == b.weight_scale);
    CHECK(a.float_weights == b.float_weights);
    CHECK(a.float_bias == b.float_bias);
    CHECK(a.membrane_scale == b.membrane_scale);
    CHECK(a.neuron.decay == b.neuron.decay);
    CHECK(a.neuron.threshold == b.neuron.threshold);
    CHECK(a.neuron.reset_amount == b.neuron.reset_amount);
    CHECK(a.neuron.reset == b.neuron.reset);
    CHECK(a.widths.weight_bits == b.widths.weight_bits);
    CHECK(a.source_neuron.model == b.source_neuron.model);
    CHECK(a.source_neuron.beta == b.source_neuron.beta);
  }
  // The read model computes the same spikes.
  const auto in = testing::hand_input();
  CHECK(run_integer_inference(r, in, 3).layers[3].spikes == run_integer_inference(m, in, 3).layers[3].spikes);
  fs::remove_all(dir);
}

TEST_CASE("trace file round trip: sparse spikes - counts - membrane - labels") {
  const fs::path dir = temp_dir("trace_rt");
  const quant_model m = testing::hand_model();
  inference_options opt;
  opt.record_membrane = true;
  std::vector<trace_sample> samples(2);
  samples[0].sample_index = 17;
  samples[0].label = 0;
  samples[0].result = run_integer_inference(m, testing::hand_input(), 3, opt);
  samples[1].sample_index = 4;
  samples[1].result = run_integer_inference(m, std::vector<std::uint8_t>(9, 0), 1);
  write_trace_file(dir / "t.h5", {"integer", "m.h5", "test", "numerics tests"}, samples);
  const trace_contents r = read_trace_file(dir / "t.h5");
  CHECK(r.meta.source == "integer");
  CHECK(r.meta.split == "test");
  REQUIRE(r.samples.size() == 2);
  CHECK(r.samples[0].sample_index == 17);
  CHECK(r.samples[1].label == -1);
  CHECK(r.samples[0].result.predicted_class == 0);
  CHECK(r.samples[0].result.class_counts == samples[0].result.class_counts);
  CHECK(r.samples[0].result.input.spikes == samples[0].result.input.spikes);
  REQUIRE(r.samples[0].result.layers.size() == 4);
  for (std::size_t l = 0; l < 4; ++l) {
    CHECK(r.samples[0].result.layers[l].name == samples[0].result.layers[l].name);
    CHECK(r.samples[0].result.layers[l].spikes == samples[0].result.layers[l].spikes);
    CHECK(r.samples[0].result.layers[l].counts == samples[0].result.layers[l].counts);
    CHECK(r.samples[0].result.layers[l].membrane == samples[0].result.layers[l].membrane);
  }
  CHECK(r.samples[1].result.num_steps == 1);
  CHECK(r.samples[1].result.layers[0].total() == 0);
  // Streaming: one sample at a time, by position.
  const trace_reader reader(dir / "t.h5");
  CHECK(reader.num_samples() == 2);
  CHECK(reader.meta().model_file == "m.h5");
  CHECK(reader.read_sample(1).sample_index == 4);
  CHECK(reader.read_sample(0).result.layers[0].spikes == samples[0].result.layers[0].spikes);
  CHECK_THROWS_AS(reader.read_sample(2), std::out_of_range);
  fs::remove_all(dir);
}

TEST_CASE("truncated model and trace files are rejected with a message naming the file") {
  const fs::path dir = temp_dir("trunc");
  write_model_file(dir / "m.h5", model_with_floats());
  std::vector<trace_sample> samples(1);
  samples[0].result = run_integer_inference(testing::hand_model(), testing::hand_input(), 3);
  write_trace_file(dir / "t.h5", {"integer", "", "", ""}, samples);
  for (const char* name : {"m.h5", "t.h5"}) {
    const fs::path full = dir / name;
    const fs::path cut = dir / (std::string("cut_") + name);
    fs::copy_file(full, cut);
    fs::resize_file(cut, fs::file_size(full) / 2);
    const std::string msg = std::string(name) == "m.h5" ? error_of([&] { read_model_file(cut); })
                                                         : error_of([&] { read_trace_file(cut); });
    CAPTURE(msg);
    CHECK(msg.find(cut.string()) != std::string::npos);
    CHECK(msg.find("truncated") != std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("newer format or numerics versions - other formats and garbage are rejected clearly") {
  const fs::path dir = temp_dir("versions");
  write_model_file(dir / "m.h5", testing::hand_model());
  fs::copy_file(dir / "m.h5", dir / "newer.h5");
  set_root_int_attr(dir / "newer.h5", "format_version", 99);
  std::string msg = error_of([&] { read_model_file(dir / "newer.h5"); });
  CHECK(msg.find("format_version 99 is newer") != std::string::npos);
  CHECK(msg.find("newer.h5") != std::string::npos);

  fs::copy_file(dir / "m.h5", dir / "numerics.h5");
  set_root_int_attr(dir / "numerics.h5", "numerics_version", 2);
  msg = error_of([&] { read_model_file(dir / "numerics.h5"); });
  CHECK(msg.find("numerics_version 2 is not supported") != std::string::npos);

  std::vector<trace_sample> samples(1);
  samples[0].result = run_integer_inference(testing::hand_model(), testing::hand_input(), 3);
  write_trace_file(dir / "t.h5", {}, samples);
  msg = error_of([&] { read_model_file(dir / "t.h5"); });
  CHECK(msg.find("format is 'snncosim.trace', expected 'snncosim.model'") != std::string::npos);

  std::ofstream(dir / "text.h5") << "not hdf5 at all\n";
  msg = error_of([&] { read_model_file(dir / "text.h5"); });
  CHECK(msg.find("not an HDF5 file") != std::string::npos);
  msg = error_of([&] { read_trace_file(dir / "missing.h5"); });
  CHECK(msg.find("no such file") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a missing group or dataset is named in the error") {
  const fs::path dir = temp_dir("missing");
  write_model_file(dir / "m.h5", testing::hand_model());
  fs::copy_file(dir / "m.h5", dir / "no_layer.h5");
  delete_link(dir / "no_layer.h5", "/layers/003");
  std::string msg = error_of([&] { read_model_file(dir / "no_layer.h5"); });
  CHECK(msg.find("/layers/003: missing group") != std::string::npos);
  fs::copy_file(dir / "m.h5", dir / "no_weights.h5");
  delete_link(dir / "no_weights.h5", "/layers/000/weights");
  msg = error_of([&] { read_model_file(dir / "no_weights.h5"); });
  CHECK(msg.find("/layers/000/weights: missing dataset") != std::string::npos);

  std::vector<trace_sample> samples(1);
  samples[0].result = run_integer_inference(testing::hand_model(), testing::hand_input(), 3);
  write_trace_file(dir / "t.h5", {}, samples);
  delete_link(dir / "t.h5", "/samples/000000/layers/001/counts");
  msg = error_of([&] { read_trace_file(dir / "t.h5"); });
  CHECK(msg.find("/samples/000000/layers/001/counts: missing dataset") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a damaged weight byte is caught by the data checksum") {
  const fs::path dir = temp_dir("damaged");
  write_model_file(dir / "m.h5", testing::hand_model());
  haddr_t addr = 0;
  {
    const hid_t f = H5Fopen((dir / "m.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    const hid_t ds = H5Dopen2(f, "/layers/000/weights", H5P_DEFAULT);
    REQUIRE(ds >= 0);
    hsize_t size = 0;
    unsigned mask = 0;
    hsize_t offset[4] = {0, 0, 0, 0};
    REQUIRE(H5Dget_chunk_info_by_coord(ds, offset, &mask, &addr, &size) >= 0);
    REQUIRE(size > 0);
    H5Dclose(ds);
    H5Fclose(f);
  }
  {
    std::fstream io(dir / "m.h5", std::ios::in | std::ios::out | std::ios::binary);
    io.seekg(static_cast<std::streamoff>(addr));
    char c = 0;
    io.read(&c, 1);
    c = static_cast<char>(c ^ 0x10);  // weight W[0][0][0][0] 1 -> 17: still a valid int8
    io.seekp(static_cast<std::streamoff>(addr));
    io.write(&c, 1);
  }
  const std::string msg = error_of([&] { read_model_file(dir / "m.h5"); });
  CHECK(msg.find("/layers/000/weights") != std::string::npos);
  CHECK(msg.find("checksum") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("an invalid model is not written and leaves no file") {
  const fs::path dir = temp_dir("invalid");
  quant_model m = testing::hand_model();
  m.layers[0].weights[0] = 300;  // outside the 8-bit range
  CHECK_THROWS_AS(write_model_file(dir / "m.h5", m), snncosim::bad_input);
  CHECK_FALSE(fs::exists(dir / "m.h5"));
  CHECK(fs::is_empty(dir));
  fs::remove_all(dir);
}

namespace {

// Replaces integer attribute NAME of OBJECT (scalar for one value, else 1-D).
void set_int_attr(const fs::path& p, const char* object, const char* name, const std::vector<long long>& v) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(f >= 0);
  REQUIRE(H5Adelete_by_name(f, object, name, H5P_DEFAULT) >= 0);
  const hsize_t n = v.size();
  const hid_t space = v.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
  const hid_t a = H5Acreate_by_name(f, object, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(a >= 0);
  REQUIRE(H5Awrite(a, H5T_NATIVE_LLONG, v.data()) >= 0);
  H5Aclose(a);
  H5Sclose(space);
  H5Fclose(f);
}

// Overwrites every value of an existing integer dataset.
void set_dataset(const fs::path& p, const char* path, const std::vector<long long>& v) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
  REQUIRE(ds >= 0);
  REQUIRE(H5Dwrite(ds, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
  H5Dclose(ds);
  H5Fclose(f);
}

}  // namespace

// Shapes of the hand model by hand (docs/numerics.md §9): input 1x3x3; conv 2x2 kernel,
// stride 1 -> 2x2x2; max-pool 2x2 stride 1 -> 2x1x1; flatten -> 2x1x1; linear -> 1x1x1.
TEST_CASE("model file: in_shape must chain and out_shape must be what the layer computes") {
  const fs::path dir = temp_dir("chain");
  write_model_file(dir / "m.h5", testing::hand_model());
  CHECK(read_model_file(dir / "m.h5").layers.size() == 4);
  fs::copy_file(dir / "m.h5", dir / "in1.h5");
  set_int_attr(dir / "in1.h5", "/layers/001", "in_shape", {2, 3, 3});
  std::string msg = error_of([&] { read_model_file(dir / "in1.h5"); });
  CHECK(msg == (dir / "in1.h5").string() +
                   ": /layers/001: layer 1 ('pool1'): in_shape 2x3x3 does not chain with the previous layer's "
                   "out_shape 2x2x2");
  fs::copy_file(dir / "m.h5", dir / "in0.h5");
  set_int_attr(dir / "in0.h5", "/layers/000", "in_shape", {1, 4, 4});
  msg = error_of([&] { read_model_file(dir / "in0.h5"); });
  CHECK(msg.find("/layers/000: layer 0 ('conv1'): in_shape 1x4x4 does not chain with the model input shape 1x3x3") !=
        std::string::npos);
  fs::copy_file(dir / "m.h5", dir / "out3.h5");
  set_int_attr(dir / "out3.h5", "/layers/003", "out_shape", {2, 1, 1});
  msg = error_of([&] { read_model_file(dir / "out3.h5"); });
  CHECK(msg.find("/layers/003: layer 3 ('fc1'): out_shape 2x1x1 but the layer computes 1x1x1") != std::string::npos);
  fs::remove_all(dir);
}

// The conv layer of the worked example spikes once at t=0 and three times at t=2 (4 events),
// so its step_offsets are [0, 1, 1, 4] and its counts [1, 0, 3].
TEST_CASE("trace file: step_offsets must start at 0 - not decrease - stay within the events - match counts") {
  const fs::path dir = temp_dir("offsets");
  std::vector<trace_sample> samples(1);
  samples[0].result = run_integer_inference(testing::hand_model(), testing::hand_input(), 3);
  REQUIRE(samples[0].result.layers[0].counts == std::vector<std::int64_t>{1, 0, 3});
  write_trace_file(dir / "t.h5", {}, samples);
  CHECK(read_trace_file(dir / "t.h5").samples.size() == 1);
  const char* offsets = "/samples/000000/layers/000/step_offsets";
  struct bad_case {
    std::vector<long long> offsets;
    std::string message;
  };
  const bad_case cases[] = {
      {{1, 1, 1, 4}, "/samples/000000/layers/000: step_offsets[0] = 1, must be 0"},
      {{0, 1, 0, 4}, "/samples/000000/layers/000: step_offsets[2] = 0 < step_offsets[1] = 1 (must not decrease)"},
      {{0, 1, 1, 5}, "/samples/000000/layers/000: step_offsets[3] = 5 is beyond the 4 events"},
      {{0, 0, 1, 4}, "/samples/000000/layers/000: step 0: step_offsets give 0 spikes, counts says 1"},
  };
  for (const bad_case& c : cases) {
    fs::copy_file(dir / "t.h5", dir / "bad.h5", fs::copy_options::overwrite_existing);
    set_dataset(dir / "bad.h5", offsets, c.offsets);
    const std::string msg = error_of([&] { read_trace_file(dir / "bad.h5"); });
    CAPTURE(msg);
    CHECK(msg == (dir / "bad.h5").string() + ": " + c.message);
  }
  // Offsets and counts that agree with each other but put an event in the wrong step.
  fs::copy_file(dir / "t.h5", dir / "bad.h5", fs::copy_options::overwrite_existing);
  set_dataset(dir / "bad.h5", offsets, {0, 0, 3, 4});
  set_dataset(dir / "bad.h5", "/samples/000000/layers/000/counts", {0, 3, 1});
  const std::string msg = error_of([&] { read_trace_file(dir / "bad.h5"); });
  CHECK(msg.find("event 0 has t = 0 but step_offsets place it in step 1") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("trace file: every sample has the layers of sample 0") {
  const fs::path dir = temp_dir("layout");
  std::vector<trace_sample> samples(2);
  for (auto& s : samples) s.result = run_integer_inference(testing::hand_model(), testing::hand_input(), 3);
  write_trace_file(dir / "t.h5", {}, samples);
  fs::copy_file(dir / "t.h5", dir / "n.h5");
  set_int_attr(dir / "n.h5", "/samples/000001/layers", "num_layers", {3});
  const trace_reader reader(dir / "n.h5");
  CHECK(reader.read_sample(0).result.layers.size() == 4);
  std::string msg = error_of([&] { reader.read_sample(1); });
  CHECK(msg.find("/samples/000001/layers: num_layers = 3, but sample 0 has 4") != std::string::npos);
  // The flatten layer (2x1x1, no membrane) declared 3x1x1 in sample 1: its events still fit.
  fs::copy_file(dir / "t.h5", dir / "s.h5");
  set_int_attr(dir / "s.h5", "/samples/000001/layers/002", "shape", {3, 1, 1});
  msg = error_of([&] { read_trace_file(dir / "s.h5"); });
  CHECK(msg.find("/samples/000001/layers/002: shape 3x1x1, but sample 0 has 2x1x1 for this layer") !=
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("check_trace_matches_model names the sample - the layer and both shapes") {
  const quant_model m = testing::hand_model();
  trace_sample s;
  s.result = run_integer_inference(m, testing::hand_input(), 3);
  check_trace_matches_model(s, 0, "t.h5", m, "m.h5");  // its own model: no error
  trace_sample wrong_shape = s;
  wrong_shape.result.layers[1].shape = {2, 2, 2};
  std::string msg = error_of([&] { check_trace_matches_model(wrong_shape, 7, "t.h5", m, "m.h5"); });
  CHECK(msg == "t.h5: sample 7 (/samples/000007): layer 1 ('pool1'): trace shape 2x2x2 does not match the model's "
               "2x1x1 (m.h5)");
  trace_sample fewer = s;
  fewer.result.layers.pop_back();
  msg = error_of([&] { check_trace_matches_model(fewer, 0, "t.h5", m, "m.h5"); });
  CHECK(msg == "t.h5: sample 0 (/samples/000000): num_layers = 3, but the model has 4 layers (m.h5)");
  trace_sample input = s;
  input.result.input.shape = {1, 4, 4};
  msg = error_of([&] { check_trace_matches_model(input, 0, "t.h5", m, "m.h5"); });
  CHECK(msg.find("input shape 1x4x4 does not match the model's 1x3x3") != std::string::npos);
}
