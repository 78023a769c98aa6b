// HDF5 spike-trace file; the layout is documented in docs/formats.md §3.
#include "snncosim/numerics/trace_file.h"

#include <stdexcept>

#include <fmt/format.h>

#include "h5_util.h"
#include "snncosim/common/atomic_file.h"
#include "snncosim/common/error.h"

namespace snncosim::numerics {
namespace {

using i64 = std::int64_t;

void write_record(hid_t parent, const std::string& gname, const spike_record& r, int num_steps) {
  h5::handle g = h5::create_group(parent, gname);
  h5::write_attr(g.id(), "name", r.name);
  h5::write_attr(g.id(), "shape", std::vector<i64>{r.shape.channels, r.shape.height, r.shape.width});
  const auto frame = static_cast<std::size_t>(r.shape.size());
  std::vector<std::int32_t> events;
  std::vector<i64> offsets{0};
  for (int t = 0; t < num_steps; ++t) {
    for (int c = 0; c < r.shape.channels; ++c)
      for (int y = 0; y < r.shape.height; ++y)
        for (int x = 0; x < r.shape.width; ++x)
          if (r.spike(t, c, y, x)) events.insert(events.end(), {t, c, y, x});
    offsets.push_back(static_cast<i64>(events.size() / 4));
  }
  h5::write_dataset(g.id(), "events", events, {static_cast<hsize_t>(events.size() / 4), 4});
  h5::write_dataset(g.id(), "counts", r.counts, {static_cast<hsize_t>(num_steps)});
  h5::write_dataset(g.id(), "step_offsets", offsets, {static_cast<hsize_t>(num_steps) + 1});
  if (!r.membrane.empty()) {
    if (r.membrane.size() != frame * static_cast<std::size_t>(num_steps))
      throw std::logic_error("write_trace_file: membrane trace size does not match the shape");
    h5::write_dataset(g.id(), "membrane", r.membrane,
                      {static_cast<hsize_t>(num_steps), static_cast<hsize_t>(r.shape.channels),
                       static_cast<hsize_t>(r.shape.height), static_cast<hsize_t>(r.shape.width)});
  }
}

std::string show(const tensor_shape& s) { return fmt::format("{}x{}x{}", s.channels, s.height, s.width); }

tensor_shape read_shape(const h5::location& at) {
  const auto s = h5::read_attr_ints(at, "shape");
  if (s.size() != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1 || s[0] > (1 << 30) || s[1] > 65536 || s[2] > 65536)
    throw bad_input(fmt::format("{}: {}: attribute 'shape' must be 3 positive sizes", at.file, at.path));
  return {static_cast<int>(s[0]), static_cast<int>(s[1]), static_cast<int>(s[2])};
}

spike_record read_record(const h5::location& parent, const std::string& gname, int num_steps) {
  h5::handle g = h5::open_group(parent, gname);
  const h5::location at{parent.file, g.id(), parent.child(gname)};
  auto fail = [&](const std::string& msg) { throw bad_input(fmt::format("{}: {}: {}", at.file, at.path, msg)); };
  spike_record r;
  r.name = h5::read_attr_string(at, "name");
  r.shape = read_shape(at);
  const auto frame = static_cast<std::size_t>(r.shape.size());
  const auto steps = static_cast<std::size_t>(num_steps);
  if (frame * steps > (std::size_t{1} << 31)) fail("implausibly large trace (more than 2^31 neuron-steps)");
  std::vector<hsize_t> dims;
  const std::vector<std::int32_t> events = h5::read_i32(at, "events", dims);
  if (dims.size() != 2 || dims[1] != 4) fail("dataset 'events' must have shape [N,4]");
  r.counts = h5::read_i64(at, "counts", dims);
  if (dims != std::vector<hsize_t>{steps}) fail(fmt::format("dataset 'counts' must have {} entries", steps));
  // step_offsets is the index readers in other languages use to slice one step out of
  // `events` (docs/formats.md §3), so it must agree with the counts and the events exactly.
  const std::vector<i64> offsets = h5::read_i64(at, "step_offsets", dims);
  if (dims != std::vector<hsize_t>{steps + 1})
    fail(fmt::format("dataset 'step_offsets' must have T+1 = {} entries", steps + 1));
  const auto num_events = static_cast<i64>(events.size() / 4);
  if (offsets[0] != 0) fail(fmt::format("step_offsets[0] = {}, must be 0", offsets[0]));
  for (std::size_t t = 0; t < steps; ++t) {
    if (offsets[t + 1] < offsets[t])
      fail(fmt::format("step_offsets[{}] = {} < step_offsets[{}] = {} (must not decrease)", t + 1, offsets[t + 1], t,
                       offsets[t]));
    if (offsets[t + 1] > num_events)
      fail(fmt::format("step_offsets[{}] = {} is beyond the {} events", t + 1, offsets[t + 1], num_events));
    if (offsets[t + 1] - offsets[t] != r.counts[t])
      fail(fmt::format("step {}: step_offsets give {} spikes, counts says {}", t, offsets[t + 1] - offsets[t],
                       r.counts[t]));
  }
  if (offsets[steps] != num_events)
    fail(fmt::format("step_offsets[{}] = {}, but 'events' holds {} spikes", steps, offsets[steps], num_events));
  r.spikes.assign(frame * steps, 0);
  std::vector<i64> seen(steps, 0);
  std::size_t step = 0;
  for (std::size_t e = 0; e + 3 < events.size(); e += 4) {
    const int t = events[e], c = events[e + 1], y = events[e + 2], x = events[e + 3];
    if (t < 0 || t >= num_steps || c < 0 || c >= r.shape.channels || y < 0 || y >= r.shape.height || x < 0 ||
        x >= r.shape.width)
      fail(fmt::format("event {} = ({},{},{},{}) is outside T={} x {}x{}x{}", e / 4, t, c, y, x, num_steps,
                       r.shape.channels, r.shape.height, r.shape.width));
    while (step < steps && offsets[step + 1] <= static_cast<i64>(e / 4)) ++step;
    if (static_cast<std::size_t>(t) != step)
      fail(fmt::format("event {} has t = {} but step_offsets place it in step {}", e / 4, t, step));
    std::uint8_t& spike =
        r.spikes[static_cast<std::size_t>(t) * frame + static_cast<std::size_t>((i64{c} * r.shape.height + y) * r.shape.width + x)];
    if (spike) fail(fmt::format("event {} = ({},{},{},{}) appears twice", e / 4, t, c, y, x));
    spike = 1;
    ++seen[static_cast<std::size_t>(t)];
  }
  for (std::size_t t = 0; t < steps; ++t)
    if (seen[t] != r.counts[t]) fail(fmt::format("step {}: counts says {} spikes, events hold {}", t, r.counts[t], seen[t]));
  if (h5::has_child(at, "membrane")) {
    r.membrane = h5::read_i32(at, "membrane", dims);
    const std::vector<hsize_t> want{steps, static_cast<hsize_t>(r.shape.channels), static_cast<hsize_t>(r.shape.height),
                                    static_cast<hsize_t>(r.shape.width)};
    if (dims != want) fail("dataset 'membrane' must have shape [T,C,H,W]");
  }
  return r;
}

}  // namespace

void write_trace_file(const std::filesystem::path& path, const trace_metadata& meta,
                      const std::vector<trace_sample>& samples) {
  produce_file_atomic(path, [&](const std::filesystem::path& tmp) {
    h5::handle file = h5::create_file(tmp);
    const hid_t root = file.id();
    h5::write_attr(root, "format", std::string(trace_format_name));
    h5::write_attr(root, "format_version", i64{trace_format_version});
    h5::write_attr(root, "numerics_version", i64{numerics_version});
    h5::write_attr(root, "source", meta.source);
    h5::write_attr(root, "model_file", meta.model_file);
    h5::write_attr(root, "split", meta.split);
    h5::write_attr(root, "created_by", meta.created_by);
    h5::handle sg = h5::create_group(root, "samples");
    h5::write_attr(sg.id(), "num_samples", static_cast<i64>(samples.size()));
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const trace_sample& s = samples[i];
      const int steps = s.result.num_steps;
      h5::handle g = h5::create_group(sg.id(), h5::index_name(i, 6));
      h5::write_attr(g.id(), "sample_index", s.sample_index);
      h5::write_attr(g.id(), "label", s.label);
      h5::write_attr(g.id(), "num_steps", i64{steps});
      h5::write_attr(g.id(), "predicted_class", i64{s.result.predicted_class});
      if (!s.result.class_counts.empty())
        h5::write_dataset(g.id(), "class_counts", s.result.class_counts,
                          {static_cast<hsize_t>(s.result.class_counts.size())});
      write_record(g.id(), "input", s.result.input, steps);
      h5::handle lg = h5::create_group(g.id(), "layers");
      h5::write_attr(lg.id(), "num_layers", static_cast<i64>(s.result.layers.size()));
      for (std::size_t li = 0; li < s.result.layers.size(); ++li)
        write_record(lg.id(), h5::index_name(li, 3), s.result.layers[li], steps);
    }
  });
}

class trace_reader::impl {
 public:
  explicit impl(const std::filesystem::path& path)
      : m_name(path.string()), m_file(h5::open_file(path)) {
    const h5::location root{m_name, m_file.id(), "/"};
    h5::check_format(root, trace_format_name, trace_format_version);
    m_meta.source = h5::read_attr_string(root, "source");
    m_meta.model_file = h5::read_attr_string(root, "model_file");
    m_meta.split = h5::read_attr_string(root, "split");
    m_meta.created_by = h5::read_attr_string(root, "created_by");
    m_samples = h5::open_group(root, "samples");
    const i64 n = h5::read_attr_int(samples(), "num_samples");
    if (n < 0 || n > 100000000)
      throw bad_input(fmt::format("{}: /samples: num_samples = {} is out of range", m_name, n));
    m_num_samples = static_cast<std::size_t>(n);
    // Sample 0 sets the layer layout every other sample must have: one file holds the
    // traces of one model, and summaries add spikes layer by layer across samples.
    if (m_num_samples > 0) {
      const h5::location sa = samples();
      h5::handle g = h5::open_group(sa, h5::index_name(0, 6));
      const h5::location ga{m_name, g.id(), sa.child(h5::index_name(0, 6))};
      h5::handle lg = h5::open_group(ga, "layers");
      const h5::location la{m_name, lg.id(), ga.child("layers")};
      const i64 nl = read_num_layers(la);
      for (std::size_t li = 0; li < static_cast<std::size_t>(nl); ++li) {
        h5::handle rg = h5::open_group(la, h5::index_name(li, 3));
        m_layout.push_back(read_shape({m_name, rg.id(), la.child(h5::index_name(li, 3))}));
      }
    }
  }

  i64 read_num_layers(const h5::location& la) const {
    const i64 nl = h5::read_attr_int(la, "num_layers");
    if (nl < 0 || nl > 10000)
      throw bad_input(fmt::format("{}: {}: num_layers = {} is out of range", m_name, la.path, nl));
    return nl;
  }

  h5::location samples() const { return {m_name, m_samples.id(), "/samples"}; }

  trace_sample read(std::size_t i) const {
    if (i >= m_num_samples) throw std::out_of_range(fmt::format("{}: no sample {}", m_name, i));
    const h5::location sa = samples();
    const std::string gname = h5::index_name(i, 6);
    h5::handle g = h5::open_group(sa, gname);
    const h5::location ga{m_name, g.id(), sa.child(gname)};
    trace_sample s;
    s.sample_index = h5::read_attr_int(ga, "sample_index");
    s.label = h5::read_attr_int(ga, "label");
    const i64 steps = h5::read_attr_int(ga, "num_steps");
    if (steps < 0 || steps > 1000000)
      throw bad_input(fmt::format("{}: {}: num_steps = {} is out of range", m_name, ga.path, steps));
    s.result.num_steps = static_cast<int>(steps);
    s.result.predicted_class = static_cast<int>(h5::read_attr_int(ga, "predicted_class"));
    std::vector<hsize_t> dims;
    if (h5::has_child(ga, "class_counts")) s.result.class_counts = h5::read_i64(ga, "class_counts", dims);
    s.result.input = read_record(ga, "input", s.result.num_steps);
    h5::handle lg = h5::open_group(ga, "layers");
    const h5::location la{m_name, lg.id(), ga.child("layers")};
    const i64 nl = read_num_layers(la);
    if (static_cast<std::size_t>(nl) != m_layout.size())
      throw bad_input(fmt::format("{}: {}: num_layers = {}, but sample 0 has {} (all samples of a trace file have "
                                  "the layers of one model)",
                                  m_name, la.path, nl, m_layout.size()));
    for (std::size_t li = 0; li < static_cast<std::size_t>(nl); ++li) {
      s.result.layers.push_back(read_record(la, h5::index_name(li, 3), s.result.num_steps));
      const tensor_shape& got = s.result.layers.back().shape;
      if (!(got == m_layout[li]))
        throw bad_input(fmt::format("{}: {}: shape {}, but sample 0 has {} for this layer", m_name,
                                    la.child(h5::index_name(li, 3)), show(got), show(m_layout[li])));
    }
    return s;
  }

  std::string m_name;
  h5::handle m_file;
  h5::handle m_samples;
  trace_metadata m_meta;
  std::size_t m_num_samples = 0;
  std::vector<tensor_shape> m_layout;  // layer shapes of sample 0
};

trace_reader::trace_reader(const std::filesystem::path& path) : m_impl(std::make_unique<impl>(path)) {}
trace_reader::~trace_reader() = default;
const trace_metadata& trace_reader::meta() const { return m_impl->m_meta; }
std::size_t trace_reader::num_samples() const { return m_impl->m_num_samples; }
trace_sample trace_reader::read_sample(std::size_t i) const { return m_impl->read(i); }

void check_trace_matches_model(const trace_sample& s, std::size_t sample, const std::string& trace_file,
                               const quant_model& m, const std::string& model_file) {
  const std::string where = fmt::format("{}: sample {} (/samples/{})", trace_file, sample, h5::index_name(sample, 6));
  if (!(s.result.input.shape == m.input))
    throw bad_input(fmt::format("{}: input shape {} does not match the model's {} ({})", where,
                                show(s.result.input.shape), show(m.input), model_file));
  if (s.result.layers.size() != m.layers.size())
    throw bad_input(fmt::format("{}: num_layers = {}, but the model has {} layers ({})", where, s.result.layers.size(),
                                m.layers.size(), model_file));
  const std::vector<tensor_shape> shapes = validate(m, model_file);
  for (std::size_t li = 0; li < shapes.size(); ++li)
    if (!(s.result.layers[li].shape == shapes[li]))
      throw bad_input(fmt::format("{}: layer {} ('{}'): trace shape {} does not match the model's {} ({})", where, li,
                                  m.layers[li].name, show(s.result.layers[li].shape), show(shapes[li]), model_file));
}

trace_contents read_trace_file(const std::filesystem::path& path) {
  const trace_reader reader(path);
  trace_contents out;
  out.meta = reader.meta();
  for (std::size_t i = 0; i < reader.num_samples(); ++i) out.samples.push_back(reader.read_sample(i));
  return out;
}

}  // namespace snncosim::numerics
