#pragma once
// Schema'd YAML documents (docs/configuration.md). Four kinds: experiment, network, hardware,
// platform. Each file starts with `schema: snncosim.<kind>/<version>`. Schemas are declared
// in yaml/schemas/<kind>.yaml (embedded into the binary at build time) with every key's
// type, default, range and unit. Loading a document:
//   1. parses the file (one level of `defaults: other.yaml` is merged underneath),
//   2. applies --set dotted overrides,
//   3. validates against the schema and fills defaults,
//   4. for experiments, inlines the referenced network/hardware/platform files (paths
//      relative to the experiment), so `--set hardware.clock_mhz=200` reaches into them.
// Every error is a snncosim::bad_input whose message is
//   "<file>:<line>:<column>: <key.path>: <problem>; expected <what>".
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "snncosim/common/error.h"

namespace snncosim::config {

struct override_entry {
  std::string path;   // dotted key, e.g. "hardware.clock_mhz" or "layers.0.channels"
  std::string value;  // parsed as a YAML scalar/flow node
};

// Parses "a.b.c=value"; throws bad_input on a missing '='.
override_entry parse_override(const std::string& text);
// Every --set of a command line, in order; throws bad_input naming the first malformed one.
std::vector<override_entry> parse_overrides(const std::vector<std::string>& texts);

class document {
 public:
  document() = default;

  const std::string& kind() const { return m_kind; }
  int version() const { return m_version; }
  const std::filesystem::path& file() const { return m_file; }
  // The validated tree with all defaults filled in.
  const YAML::Node& root() const { return m_root; }

  // Typed access by dotted path ("training.optimizer.lr", "layers.2.kernel_size").
  // Throws bad_input (naming file and key) if the key is absent or of another type.
  bool has(const std::string& path) const;
  YAML::Node at(const std::string& path) const;
  template <typename T>
  T get(const std::string& path) const {
    return at(path).as<T>();
  }

  // Where a key was written ("file:line:column"), or the file name when it came from a
  // default or an override.
  std::string where(const std::string& path) const;

  // The file a key came from (an experiment inlines the network, hardware and platform
  // files it references, so keys under "network." come from the network file).
  std::filesystem::path source_file(const std::string& path) const;

  // Resolved configuration, references inlined, as YAML text (written into run folders).
  std::string resolved_yaml() const;

  // Used by the loader.
  struct origin {
    std::string location;            // "file:line:column" or "--set key=value"
    std::filesystem::path file;      // file the key was read from (empty for --set)
  };
  document(std::string kind, int version, std::filesystem::path file, YAML::Node root,
           std::map<std::string, origin> origins)
      : m_kind(std::move(kind)),
        m_version(version),
        m_file(std::move(file)),
        m_root(std::move(root)),
        m_origins(std::move(origins)) {}

 private:
  const origin* find_origin(const std::string& path) const;

  std::string m_kind;
  int m_version = 0;
  std::filesystem::path m_file;
  YAML::Node m_root;
  std::map<std::string, origin> m_origins;
};

// Loads and validates any document; `expected_kind` empty means "whatever it says".
document load(const std::filesystem::path& file, const std::vector<override_entry>& overrides = {},
              const std::string& expected_kind = {});

// Loads from text (for tests and embedded defaults); `name` is used in messages and
// relative references resolve against `base_dir`.
document load_text(const std::string& text, const std::string& name,
                   const std::vector<override_entry>& overrides = {},
                   const std::string& expected_kind = {},
                   const std::filesystem::path& base_dir = ".");

// Limits on one YAML document (a file, or the value of one --set). YAML aliases can make a
// few hundred bytes stand for billions of nodes (an "alias bomb"), and every walk of the
// tree (validation, overrides, sweep expansion, hashing, the resolved dump) expands them.
inline constexpr std::size_t max_document_bytes = std::size_t{4} << 20;
inline constexpr std::size_t max_expanded_nodes = 100000;
inline constexpr int max_nesting_depth = 64;

// Parses the first YAML document of `text` into a tree that shares no nodes (aliases are
// copied out), after checking it: malformed YAML, more than max_expanded_nodes nodes once
// aliases are expanded, an alias inside its own anchor, nesting deeper than
// max_nesting_depth, a key given twice in one mapping, a key that is not a scalar and
// invalid UTF-8 in a scalar are bad_input "<display>:<line>:<column>: <problem>".
// `display` names the source in messages (a file name, or "--set key=value").
YAML::Node parse_yaml(const std::string& text, const std::string& display);

// Schema introspection for docs/yaml.md generation and `snncosim validate --schema`.
struct key_info {
  std::string path;  // dotted, list items as "[]", free-named map entries as "<name>"
  std::string type;  // int, float, bool, string, name, enum, path, list, map, any
  std::string default_value;
  std::string range;  // "[min, max]" or enum values
  std::string unit;
  std::string doc;
};
std::vector<std::string> schema_kinds();
int schema_version(const std::string& kind);
std::vector<key_info> describe_schema(const std::string& kind);

}  // namespace snncosim::config
