#include "snncosim/data/inspect.h"

#include <algorithm>

namespace snncosim::data {

read_report read_events(const std::filesystem::path& file, file_format format,
                        const event_sink& sink, const reader_options& options) {
  const sensor_size sensor = options.sensor.value_or(default_sensor(format));
  switch (format) {
    case file_format::nmnist: return read_nmnist(file, sink, nmnist_options{sensor});
    case file_format::aedat3: return read_aedat3(file, sink, aedat3_options{sensor, options.honour_valid_bit});
    case file_format::aedat2: return read_aedat2(file, sink, options.aedat2);
  }
  return {};
}

event_vector read_all_events(const std::filesystem::path& file, file_format format,
                             const reader_options& options, read_report* report) {
  event_vector all;
  const read_report r = read_events(
      file, format, [&](std::span<const event> c) { all.insert(all.end(), c.begin(), c.end()); },
      options);
  if (report) *report = r;
  return all;
}

file_stats inspect_file(const std::filesystem::path& file, file_format format,
                        const reader_options& options) {
  file_stats s;
  s.format = format;
  s.sensor = options.sensor.value_or(default_sensor(format));
  s.t_min_us = INT64_MAX;
  s.t_max_us = INT64_MIN;
  s.report = read_events(
      file, format,
      [&](std::span<const event> chunk) {
        if (s.events == 0) s.t_first_us = chunk.front().t;
        s.t_last_us = chunk.back().t;
        for (const event& e : chunk) {
          s.on_events += e.p;
          s.x_max = std::max<int>(s.x_max, e.x);
          s.y_max = std::max<int>(s.y_max, e.y);
          s.t_min_us = std::min(s.t_min_us, e.t);
          s.t_max_us = std::max(s.t_max_us, e.t);
        }
        s.events += chunk.size();
      },
      options);
  s.off_events = s.events - s.on_events;
  if (s.events == 0) s.t_min_us = s.t_max_us = 0;
  return s;
}

}  // namespace snncosim::data
