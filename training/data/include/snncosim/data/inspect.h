#pragma once
// Format-independent access to one event file and its summary statistics.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "snncosim/data/aedat.h"
#include "snncosim/data/event.h"
#include "snncosim/data/nmnist.h"

namespace snncosim::data {

struct reader_options {
  std::optional<sensor_size> sensor;  // default: the format's sensor
  aedat2_options aedat2;
  bool honour_valid_bit = true;  // AEDAT 3.1
};

read_report read_events(const std::filesystem::path& file, file_format format,
                        const event_sink& sink, const reader_options& options = {});
event_vector read_all_events(const std::filesystem::path& file, file_format format,
                             const reader_options& options = {}, read_report* report = nullptr);

struct file_stats {
  file_format format = file_format::nmnist;
  sensor_size sensor;
  std::uint64_t events = 0, on_events = 0, off_events = 0;
  std::int64_t t_first_us = 0, t_last_us = 0;  // first and last event in file order
  std::int64_t t_min_us = 0, t_max_us = 0;
  int x_max = -1, y_max = -1;
  read_report report;
};

// Streams the file once; never holds all events.
file_stats inspect_file(const std::filesystem::path& file, file_format format,
                        const reader_options& options = {});

}  // namespace snncosim::data
