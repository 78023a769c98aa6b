#include "snncosim/data/event.h"

#include <fstream>

#include "snncosim/common/error.h"

namespace snncosim::data {

file_format parse_format(const std::string& name, const std::string& what) {
  if (name == "nmnist") return file_format::nmnist;
  if (name == "aedat2") return file_format::aedat2;
  if (name == "aedat3") return file_format::aedat3;
  throw bad_input(what + ": unknown event format '" + name + "'; expected nmnist, aedat2 or aedat3");
}

std::string format_name(file_format f) {
  switch (f) {
    case file_format::nmnist: return "nmnist";
    case file_format::aedat2: return "aedat2";
    case file_format::aedat3: return "aedat3";
  }
  return "?";
}

file_format format_from_file(const std::string& path) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  if (ext == ".bin") return file_format::nmnist;
  if (ext == ".aedat") {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw bad_input(path + ": cannot open file");
    char head[11] = {};
    in.read(head, sizeof head);
    const std::string s(head, static_cast<std::size_t>(in.gcount()));
    if (s.rfind("#!AER-DAT3", 0) == 0) return file_format::aedat3;
    if (s.rfind("#!AER-DAT2", 0) == 0) return file_format::aedat2;
    throw bad_input(path + ": byte 0: unknown AEDAT version line (expected #!AER-DAT2.0 or "
                    "#!AER-DAT3.1); pass --format");
  }
  throw bad_input(path + ": cannot tell the event format from the extension '" + ext +
                  "'; pass --format nmnist|aedat2|aedat3");
}

sensor_size default_sensor(file_format f) {
  return f == file_format::nmnist ? sensor_size{34, 34, 2} : sensor_size{128, 128, 2};
}

}  // namespace snncosim::data
