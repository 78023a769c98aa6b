// HDF5 model file; the layout is documented in docs/formats.md §2.
#include "snncosim/numerics/model_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "h5_util.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"

namespace snncosim::numerics {
namespace {

using i64 = std::int64_t;

std::vector<hsize_t> weight_dims(const quant_layer& l, const tensor_shape& in) {
  const auto o = static_cast<hsize_t>(l.out_channels);
  if (l.kind == layer_kind::conv)
    return {o, static_cast<hsize_t>(in.channels), static_cast<hsize_t>(l.kernel), static_cast<hsize_t>(l.kernel)};
  return {o, static_cast<hsize_t>(in.channels)};
}

std::vector<i64> shape_attr(const tensor_shape& s) { return {s.channels, s.height, s.width}; }

void write_layer(hid_t layers, std::size_t index, const quant_layer& l, const tensor_shape& in,
                 const tensor_shape& out) {
  h5::handle g = h5::create_group(layers, h5::index_name(index, 3));
  h5::write_attr(g.id(), "name", l.name);
  h5::write_attr(g.id(), "kind", std::string(to_string(l.kind)));
  h5::write_attr(g.id(), "in_shape", shape_attr(in));
  h5::write_attr(g.id(), "out_shape", shape_attr(out));
  h5::write_attr(g.id(), "kernel", i64{l.kernel});
  h5::write_attr(g.id(), "stride", i64{l.stride});
  h5::write_attr(g.id(), "padding", i64{l.padding});
  h5::write_attr(g.id(), "current_pool_kernel", i64{l.current_pool_kernel});
  h5::write_attr(g.id(), "current_pool_stride", i64{l.current_pool_stride});
  h5::write_attr(g.id(), "out_channels", i64{l.out_channels});
  if (!l.is_neuron_layer()) return;
  const auto oc = static_cast<hsize_t>(l.out_channels);
  const std::vector<hsize_t> wd = weight_dims(l, in);
  h5::write_dataset(g.id(), "weights", l.weights, wd);
  h5::write_dataset(g.id(), "bias", l.bias, {oc});
  h5::write_dataset(g.id(), "gain", l.gain, {oc});
  h5::write_dataset(g.id(), "weight_scale", l.weight_scale, {static_cast<hsize_t>(l.weight_scale.size())});
  if (!l.float_weights.empty()) h5::write_dataset(g.id(), "float_weights", l.float_weights, wd);
  if (!l.float_bias.empty()) h5::write_dataset(g.id(), "float_bias", l.float_bias, {oc});

  h5::handle n = h5::create_group(g.id(), "neuron");
  h5::write_attr(n.id(), "weight_bits", i64{l.widths.weight_bits});
  h5::write_attr(n.id(), "acc_bits", i64{l.widths.acc_bits});
  h5::write_attr(n.id(), "mem_bits", i64{l.widths.mem_bits});
  h5::write_attr(n.id(), "frac_bits", i64{l.widths.frac_bits});
  h5::write_attr(n.id(), "mem_frac_bits", i64{l.widths.mem_frac_bits});
  h5::write_attr(n.id(), "membrane_scale", l.membrane_scale);
  h5::write_attr(n.id(), "reset_kind", std::string(to_string(l.neuron.reset)));
  h5::write_attr(n.id(), "reset_delay", i64{l.neuron.reset_delay ? 1 : 0});
  h5::write_attr(n.id(), "decay", i64{l.neuron.decay});
  h5::write_attr(n.id(), "threshold", i64{l.neuron.threshold});
  h5::write_attr(n.id(), "reset_amount", i64{l.neuron.reset_amount});

  h5::handle f = h5::create_group(g.id(), "float_neuron");
  const float_neuron& s = l.source_neuron;
  h5::write_attr(f.id(), "model", std::string(to_string(s.model)));
  h5::write_attr(f.id(), "beta", s.beta);
  h5::write_attr(f.id(), "threshold", s.threshold);
  h5::write_attr(f.id(), "reset", std::string(to_string(s.reset)));
  h5::write_attr(f.id(), "reset_delay", i64{s.reset_delay ? 1 : 0});
  h5::write_attr(f.id(), "r", s.r);
  h5::write_attr(f.id(), "c", s.c);
  h5::write_attr(f.id(), "time_step", s.time_step);
}

int read_int(const h5::location& at, const std::string& name) {
  const i64 v = h5::read_attr_int(at, name);
  if (v < -2147483647 || v > 2147483647)
    throw bad_input(fmt::format("{}: {}: attribute '{}' = {} is out of range", at.file, at.path, name, v));
  return static_cast<int>(v);
}

void expect_dims(const h5::location& at, const std::string& name, const std::vector<hsize_t>& got,
                 const std::vector<hsize_t>& want) {
  if (got != want)
    throw bad_input(fmt::format("{}: {}: dataset has shape [{}], expected [{}]", at.file, at.child(name),
                                fmt::join(got, "x"), fmt::join(want, "x")));
}

std::string show(const tensor_shape& s) { return fmt::format("{}x{}x{}", s.channels, s.height, s.width); }

tensor_shape read_shape(const h5::location& at, const std::string& name) {
  const auto s = h5::read_attr_ints(at, name);
  if (s.size() != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1 || s[0] > 1 << 30 || s[1] > 65536 || s[2] > 65536)
    throw bad_input(fmt::format("{}: {}: attribute '{}' must be 3 positive sizes", at.file, at.path, name));
  return {static_cast<int>(s[0]), static_cast<int>(s[1]), static_cast<int>(s[2])};
}

quant_layer read_layer(const h5::location& layers, std::size_t index, const tensor_shape& in) {
  const std::string gname = h5::index_name(index, 3);
  h5::handle g = h5::open_group(layers, gname);
  const h5::location at{layers.file, g.id(), layers.child(gname)};
  quant_layer l;
  l.name = h5::read_attr_string(at, "name");
  try {
    l.kind = parse_layer_kind(h5::read_attr_string(at, "kind"));
  } catch (const bad_input& e) {
    throw bad_input(fmt::format("{}: {}: {}", at.file, at.path, e.what()));
  }
  l.kernel = read_int(at, "kernel");
  l.stride = read_int(at, "stride");
  l.padding = read_int(at, "padding");
  l.current_pool_kernel = read_int(at, "current_pool_kernel");
  l.current_pool_stride = read_int(at, "current_pool_stride");
  l.out_channels = read_int(at, "out_channels");
  if (!l.is_neuron_layer()) return l;
  if (l.out_channels < 1 || in.channels < 1 || l.kernel < 1)
    throw bad_input(fmt::format("{}: {}: out_channels, kernel and the input channels must be >= 1", at.file, at.path));

  h5::handle n = h5::open_group(at, "neuron");
  const h5::location na{at.file, n.id(), at.child("neuron")};
  l.widths.weight_bits = read_int(na, "weight_bits");
  l.widths.acc_bits = read_int(na, "acc_bits");
  l.widths.mem_bits = read_int(na, "mem_bits");
  l.widths.frac_bits = read_int(na, "frac_bits");
  l.widths.mem_frac_bits = read_int(na, "mem_frac_bits");
  l.membrane_scale = h5::read_attr_double(na, "membrane_scale");
  try {
    l.neuron.reset = parse_reset_kind(h5::read_attr_string(na, "reset_kind"));
  } catch (const bad_input& e) {
    throw bad_input(fmt::format("{}: {}: {}", na.file, na.path, e.what()));
  }
  l.neuron.reset_delay = h5::read_attr_int(na, "reset_delay") != 0;
  l.neuron.decay = read_int(na, "decay");
  l.neuron.threshold = read_int(na, "threshold");
  l.neuron.reset_amount = read_int(na, "reset_amount");

  h5::handle f = h5::open_group(at, "float_neuron");
  const h5::location fa{at.file, f.id(), at.child("float_neuron")};
  try {
    l.source_neuron.model = parse_neuron_model(h5::read_attr_string(fa, "model"));
    l.source_neuron.reset = parse_float_reset(h5::read_attr_string(fa, "reset"));
  } catch (const bad_input& e) {
    throw bad_input(fmt::format("{}: {}: {}", fa.file, fa.path, e.what()));
  }
  l.source_neuron.beta = h5::read_attr_double(fa, "beta");
  l.source_neuron.threshold = h5::read_attr_double(fa, "threshold");
  l.source_neuron.reset_delay = h5::read_attr_int(fa, "reset_delay") != 0;
  l.source_neuron.r = h5::read_attr_double(fa, "r");
  l.source_neuron.c = h5::read_attr_double(fa, "c");
  l.source_neuron.time_step = h5::read_attr_double(fa, "time_step");

  const std::vector<hsize_t> wd = weight_dims(l, in);
  const std::vector<hsize_t> od{static_cast<hsize_t>(l.out_channels)};
  std::vector<hsize_t> dims;
  l.weights = h5::read_i32(at, "weights", dims);
  expect_dims(at, "weights", dims, wd);
  l.bias = h5::read_i32(at, "bias", dims);
  expect_dims(at, "bias", dims, od);
  l.gain = h5::read_i32(at, "gain", dims);
  expect_dims(at, "gain", dims, od);
  l.weight_scale = h5::read_f64(at, "weight_scale", dims);
  if (dims.size() != 1 || (dims[0] != 1 && dims[0] != od[0]))
    throw bad_input(fmt::format("{}: {}: weight_scale must have 1 or {} entries", at.file, at.child("weight_scale"), od[0]));
  if (h5::has_child(at, "float_weights")) {
    l.float_weights = h5::read_f32(at, "float_weights", dims);
    expect_dims(at, "float_weights", dims, wd);
  }
  if (h5::has_child(at, "float_bias")) {
    l.float_bias = h5::read_f32(at, "float_bias", dims);
    expect_dims(at, "float_bias", dims, od);
  }
  return l;
}

}  // namespace

void write_model_file(const std::filesystem::path& path, const quant_model& m) {
  const std::vector<tensor_shape> shapes = validate(m, path.string());
  produce_file_atomic(path, [&](const std::filesystem::path& tmp) {
    h5::handle file = h5::create_file(tmp);
    const hid_t root = file.id();
    h5::write_attr(root, "format", std::string(model_format_name));
    h5::write_attr(root, "format_version", i64{model_format_version});
    h5::write_attr(root, "numerics_version", i64{m.numerics_version});
    h5::write_attr(root, "num_classes", i64{m.num_classes});
    h5::write_attr(root, "population_per_class", i64{m.population_per_class});
    {
      h5::handle p = h5::create_group(root, "provenance");
      h5::write_string_dataset(p.id(), "config_text", m.origin.config_text);
      h5::write_attr_u64(p.id(), "seed", m.origin.seed);
      h5::write_attr(p.id(), "git_sha", m.origin.git_sha);
      h5::write_attr(p.id(), "created_by", m.origin.created_by);
      h5::write_attr(p.id(), "notes", m.origin.notes);
    }
    {
      h5::handle in = h5::create_group(root, "input");
      h5::write_attr(in.id(), "shape", shape_attr(m.input));
      h5::write_attr(in.id(), "input_threshold", m.input_threshold);
    }
    h5::handle layers = h5::create_group(root, "layers");
    h5::write_attr(layers.id(), "num_layers", static_cast<i64>(m.layers.size()));
    tensor_shape in = m.input;
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
      write_layer(layers.id(), i, m.layers[i], in, shapes[i]);
      in = shapes[i];
    }
  });
}

quant_model read_model_file(const std::filesystem::path& path) {
  const std::string file = path.string();
  h5::handle f = h5::open_file(path);
  const h5::location root{file, f.id(), "/"};
  h5::check_format(root, model_format_name, model_format_version);
  quant_model m;
  m.numerics_version = read_int(root, "numerics_version");
  m.num_classes = read_int(root, "num_classes");
  m.population_per_class = read_int(root, "population_per_class");
  {
    h5::handle p = h5::open_group(root, "provenance");
    const h5::location pa{file, p.id(), "/provenance"};
    m.origin.config_text = h5::read_string_dataset(pa, "config_text");
    m.origin.seed = h5::read_attr_u64(pa, "seed");
    m.origin.git_sha = h5::read_attr_string(pa, "git_sha");
    m.origin.created_by = h5::read_attr_string(pa, "created_by");
    m.origin.notes = h5::read_attr_string(pa, "notes");
  }
  {
    h5::handle in = h5::open_group(root, "input");
    const h5::location ia{file, in.id(), "/input"};
    const auto s = h5::read_attr_ints(ia, "shape");
    if (s.size() != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1 || s[0] > 65536 || s[1] > 65536 || s[2] > 65536)
      throw bad_input(fmt::format("{}: /input: attribute 'shape' must be 3 positive sizes", file));
    m.input = {static_cast<int>(s[0]), static_cast<int>(s[1]), static_cast<int>(s[2])};
    m.input_threshold = h5::read_attr_double(ia, "input_threshold");
  }
  h5::handle layers = h5::open_group(root, "layers");
  const h5::location la{file, layers.id(), "/layers"};
  const i64 n = h5::read_attr_int(la, "num_layers");
  if (n < 1 || n > 10000) throw bad_input(fmt::format("{}: /layers: num_layers = {} is out of range", file, n));
  tensor_shape in = m.input;
  std::vector<tensor_shape> recorded_out;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    h5::handle g = h5::open_group(la, h5::index_name(i, 3));
    const h5::location ga{file, g.id(), la.child(h5::index_name(i, 3))};
    // A layer's in_shape must be what the previous layer (or /input) produces: weights are
    // sized from it, and a hand-edited or spliced file would otherwise be read with the
    // wrong fan-in.
    const tensor_shape in_attr = read_shape(ga, "in_shape");
    if (!(in_attr == in))
      throw bad_input(fmt::format("{}: {}: layer {} ('{}'): in_shape {} does not chain with the {} {}", file, ga.path,
                                  i, h5::read_attr_string(ga, "name"), show(in_attr),
                                  i == 0 ? "model input shape" : "previous layer's out_shape", show(in)));
    m.layers.push_back(read_layer(la, i, in));
    in = read_shape(ga, "out_shape");
    recorded_out.push_back(in);
  }
  const std::vector<tensor_shape> computed = validate(m, file);
  for (std::size_t i = 0; i < computed.size(); ++i)
    if (!(computed[i] == recorded_out[i]))
      throw bad_input(fmt::format("{}: {}: layer {} ('{}'): out_shape {} but the layer computes {} from its input", file,
                                  la.child(h5::index_name(i, 3)), i, m.layers[i].name, show(recorded_out[i]),
                                  show(computed[i])));
  return m;
}

}  // namespace snncosim::numerics
