#include "snncosim/common/config.h"

#include <cmath>
#include <set>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include <yaml-cpp/eventhandler.h>

#include "snncosim/common/atomic_file.h"

namespace snncosim::config {
namespace detail {
const std::map<std::string, std::string>& embedded_schemas();
}

namespace fs = std::filesystem;

namespace {

constexpr const char* schema_prefix = "snncosim.";

using origin_map = std::map<std::string, document::origin>;

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// ---------------------------------------------------------------------------------------
// Schemas

struct schema_entry {
  std::string kind;
  int version = 0;
  YAML::Node keys;  // map of key name -> spec
};

const schema_entry& schema_for(const std::string& kind) {
  static const std::map<std::string, schema_entry> schemas = [] {
    std::map<std::string, schema_entry> out;
    for (const auto& [name, text] : detail::embedded_schemas()) {
      const YAML::Node root = YAML::Load(text);
      schema_entry e;
      e.kind = root["kind"].as<std::string>();
      e.version = root["version"].as<int>();
      e.keys = root["keys"];
      out.emplace(e.kind, e);
    }
    return out;
  }();
  const auto it = schemas.find(kind);
  if (it == schemas.end()) throw std::logic_error("no schema for kind " + kind);
  return it->second;
}

std::string kinds_list() {
  std::string out;
  for (const auto& [name, text] : detail::embedded_schemas()) {
    (void)text;
    if (!out.empty()) out += ", ";
    out += fmt::format("{}{}/{}", schema_prefix, name, schema_for(name).version);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Safe parsing. yaml-cpp builds aliases as shared nodes, so loading is cheap but every walk
// of the tree expands them; a YAML event pass measures the expanded size (and checks keys
// and encoding) before the tree is built, then the tree is copied out so that no node is
// shared (an override of one alias must not change the other places it stands for).

// Length of the valid UTF-8 sequence at s[i], 0 when it is not one (overlong forms,
// surrogates and code points past U+10FFFF are invalid too).
std::size_t utf8_sequence(const std::string& s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

// Offset of the first byte that is not valid UTF-8, npos when all of `s` is.
std::size_t invalid_utf8_at(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string::npos;
}

class yaml_checker : public YAML::EventHandler {
 public:
  explicit yaml_checker(std::string display) : m_display(std::move(display)) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark&, const std::string& name) override { m_pending_anchor = name; }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (in_key_position()) fail(mark, "a mapping key is empty; expected a name");
    add_nodes(mark, 1);
    finish_leaf(mark, anchor, 1, nullptr);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_utf8(mark, value);
    check_utf8(mark, tag);
    add_nodes(mark, 1);
    if (in_key_position()) check_key(mark, value);
    finish_leaf(mark, anchor, 1, &value);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = m_anchors.find(anchor);
    if (it == m_anchors.end() || !it->second.complete) {
      fail(mark, fmt::format("alias *{} refers to the node it is part of", anchor_name(anchor)));
    }
    const anchored& a = it->second;
    if (in_key_position()) {
      if (!a.is_scalar) fail(mark, "a mapping key is a list or mapping; expected a name");
      check_key(mark, a.scalar);
    }
    if (m_total + a.size > max_expanded_nodes) {
      fail(mark, fmt::format("alias *{} (anchor at line {}) expands the document past {} nodes, the limit of "
                             "alias expansion",
                             anchor_name(anchor), a.line, max_expanded_nodes));
    }
    m_total += a.size;
    child_done();
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct frame {
    bool is_map = false;
    bool expect_key = true;  // maps: the next child is a key
    std::size_t start_total = 0;
    YAML::anchor_t anchor = 0;
    std::set<std::string> keys;
  };
  struct anchored {
    std::string name;
    std::size_t line = 0;
    bool complete = false;
    bool is_scalar = false;
    std::string scalar;
    std::size_t size = 0;
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& problem) const {
    throw bad_input(fmt::format("{}:{}:{}: {}", m_display, mark.line + 1, mark.column + 1, problem));
  }
  std::string anchor_name(YAML::anchor_t anchor) const {
    const auto it = m_anchors.find(anchor);
    return it == m_anchors.end() || it->second.name.empty() ? std::to_string(anchor) : it->second.name;
  }
  bool in_key_position() const { return !m_stack.empty() && m_stack.back().is_map && m_stack.back().expect_key; }
  void check_utf8(const YAML::Mark& mark, const std::string& text) const {
    const std::size_t at = invalid_utf8_at(text);
    if (at == std::string::npos) return;
    fail(mark, fmt::format("byte 0x{:02x} at offset {} of this value is not valid UTF-8; YAML documents must be UTF-8",
                           static_cast<unsigned char>(text[at]), at));
  }
  void check_key(const YAML::Mark& mark, const std::string& key) {
    if (!m_stack.back().keys.insert(key).second) {
      fail(mark, fmt::format("key '{}' is given twice in this mapping (the first one comes earlier)", key));
    }
  }
  void add_nodes(const YAML::Mark& mark, std::size_t n) {
    if (m_total + n > max_expanded_nodes)
      fail(mark, fmt::format("the document has more than {} nodes", max_expanded_nodes));
    m_total += n;
  }
  void register_anchor(YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (anchor == YAML::NullAnchor) return;
    anchored& a = m_anchors[anchor];
    a.name = std::move(m_pending_anchor);
    a.line = mark.line + 1;
    m_pending_anchor.clear();
  }
  void finish_leaf(const YAML::Mark& mark, YAML::anchor_t anchor, std::size_t size, const std::string* scalar) {
    if (anchor != YAML::NullAnchor) {
      register_anchor(anchor, mark);
      anchored& a = m_anchors[anchor];
      a.complete = true;
      a.size = size;
      a.is_scalar = scalar != nullptr;
      if (scalar) a.scalar = *scalar;
    }
    child_done();
  }
  void child_done() {
    if (!m_stack.empty() && m_stack.back().is_map) m_stack.back().expect_key = !m_stack.back().expect_key;
  }
  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, bool is_map) {
    check_utf8(mark, tag);
    if (in_key_position()) fail(mark, "a mapping key is a list or mapping; expected a name");
    if (static_cast<int>(m_stack.size()) >= max_nesting_depth)
      fail(mark, fmt::format("lists and mappings nest deeper than {} levels", max_nesting_depth));
    add_nodes(mark, 1);
    register_anchor(anchor, mark);
    frame f;
    f.is_map = is_map;
    f.start_total = m_total - 1;
    f.anchor = anchor;
    m_stack.push_back(std::move(f));
  }
  void close() {
    const frame f = std::move(m_stack.back());
    m_stack.pop_back();
    if (f.anchor != YAML::NullAnchor) {
      anchored& a = m_anchors[f.anchor];
      a.complete = true;
      a.size = m_total - f.start_total;
    }
    child_done();
  }

  std::string m_display;
  std::size_t m_total = 0;  // nodes so far, aliases counted as the nodes they stand for
  std::vector<frame> m_stack;
  std::map<YAML::anchor_t, anchored> m_anchors;
  std::string m_pending_anchor;
};

// A copy of `node` in which every alias is a node of its own.
YAML::Node unshared_copy(const YAML::Node& node) {
  YAML::Node out;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      out = YAML::Node(node.Scalar());
      break;
    case YAML::NodeType::Sequence:
      out = YAML::Node(YAML::NodeType::Sequence);
      for (const auto& item : node) out.push_back(unshared_copy(item));
      break;
    case YAML::NodeType::Map:
      out = YAML::Node(YAML::NodeType::Map);
      for (const auto& kv : node) out.force_insert(unshared_copy(kv.first), unshared_copy(kv.second));
      break;
    default:
      return YAML::Node(YAML::NodeType::Null);
  }
  // The tag tells a quoted "true" (a string) from a plain one.
  out.SetTag(node.Tag());
  return out;
}

// yaml-cpp's own messages for the ParserException of malformed YAML.
[[noreturn]] void throw_malformed(const std::string& display, const YAML::ParserException& e) {
  throw bad_input(fmt::format("{}:{}:{}: malformed YAML: {}", display, e.mark.line + 1, e.mark.column + 1, e.msg));
}

// The tree of a checked document, with aliases still shared (for the marks of its nodes).
YAML::Node load_checked(const std::string& text, const std::string& display) {
  if (text.size() > max_document_bytes) {
    throw bad_input(fmt::format("{}: {} bytes is more than the limit of {} bytes (4 MiB) for a YAML document", display,
                                text.size(), max_document_bytes));
  }
  try {
    {
      std::istringstream in(text);
      YAML::Parser parser(in);
      yaml_checker checker(display);
      parser.HandleNextDocument(checker);
    }
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw_malformed(display, e);
  }
}

// ---------------------------------------------------------------------------------------
// Locations: every node of every raw file gets an origin keyed by its dotted path, before
// merging, so messages can name the file a key came from even after defaults, references
// and overrides are combined into one tree.

// A map entry is located at its key (where an editor should jump), a list item at the item.
void record_origins(const YAML::Node& node, const YAML::Mark& mark, const std::string& path,
                    const fs::path& file, const std::string& display, origin_map& out) {
  if (!path.empty()) {
    out[path] = {fmt::format("{}:{}:{}", display, mark.line + 1, mark.column + 1), file};
  }
  if (node.IsMap()) {
    for (const auto& kv : node) {
      record_origins(kv.second, kv.first.Mark(), join(path, kv.first.Scalar()), file, display, out);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      record_origins(node[i], node[i].Mark(), join(path, std::to_string(i)), file, display, out);
    }
  }
}

// Removes every origin at or below `path` (the subtree is being replaced).
void erase_origins(origin_map& origins, const std::string& path) {
  for (auto it = origins.lower_bound(path); it != origins.end();) {
    const std::string& k = it->first;
    if (k == path || (k.size() > path.size() && k.compare(0, path.size(), path) == 0 && k[path.size()] == '.')) {
      it = origins.erase(it);
    } else if (k.compare(0, path.size(), path) != 0) {
      break;
    } else {
      ++it;
    }
  }
}

struct raw_document {
  fs::path file;
  std::string display;  // as the user wrote it, for messages
  YAML::Node root;
  origin_map origins;
};

std::string top_location(const raw_document& doc) { return doc.display + ":1:1"; }

raw_document parse_raw(const std::string& text, const fs::path& file, const std::string& display) {
  raw_document doc{file, display, {}, {}};
  const YAML::Node shared = load_checked(text, display);
  if (!shared.IsMap()) {
    throw bad_input(fmt::format("{}: expected a YAML mapping with a 'schema:' key at the top", top_location(doc)));
  }
  // Marks exist only in the parsed tree, so origins are taken before the copy.
  record_origins(shared, shared.Mark(), "", file, display, doc.origins);
  doc.root = unshared_copy(shared);
  return doc;
}

raw_document read_raw(const fs::path& file, const std::string& display) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw bad_input(display + ": is a folder, not a YAML file");
  if (!fs::is_regular_file(file, ec)) throw bad_input(display + ": file not found");
  // Checked before reading, so a huge file is not read into memory first.
  const auto bytes = fs::file_size(file, ec);
  if (!ec && bytes > max_document_bytes) {
    throw bad_input(fmt::format("{}: {} bytes is more than the limit of {} bytes (4 MiB) for a YAML document", display,
                                bytes, max_document_bytes));
  }
  return parse_raw(read_file(file), file, display);
}

// "snncosim.hardware/1" -> kind, version; throws naming the location otherwise.
std::pair<std::string, int> parse_schema_id(const raw_document& doc, const std::string& where_prefix) {
  const YAML::Node id = doc.root["schema"];
  const std::string path = join(where_prefix, "schema");
  if (!id) {
    throw bad_input(fmt::format("{}: {}: missing key; expected one of {}", top_location(doc), path, kinds_list()));
  }
  const std::string loc = doc.origins.at("schema").location;
  const std::string text = id.IsScalar() ? id.Scalar() : std::string{};
  const auto slash = text.find('/');
  if (text.rfind(schema_prefix, 0) != 0 || slash == std::string::npos) {
    throw bad_input(fmt::format("{}: {}: unknown schema id '{}'; expected one of {}", loc, path, text, kinds_list()));
  }
  const std::string kind = text.substr(std::string(schema_prefix).size(), slash - std::string(schema_prefix).size());
  int version = 0;
  try {
    version = std::stoi(text.substr(slash + 1));
  } catch (const std::exception&) {
    throw bad_input(fmt::format("{}: {}: bad schema version in '{}'; expected {}", loc, path, text, kinds_list()));
  }
  if (detail::embedded_schemas().count(kind) == 0) {
    throw bad_input(fmt::format("{}: {}: unknown document kind '{}'; expected one of {}", loc, path, kind, kinds_list()));
  }
  const int supported = schema_for(kind).version;
  if (version != supported) {
    throw bad_input(fmt::format("{}: {}: schema version {} of '{}' is not supported; expected {}{}/{}", loc, path,
                                version, kind, schema_prefix, kind, supported));
  }
  return {kind, version};
}

// Deep merge: maps merge key by key, everything else in `over` replaces `base`.
YAML::Node merge(const YAML::Node& base, const YAML::Node& over) {
  if (!base.IsMap() || !over.IsMap()) return YAML::Clone(over);
  YAML::Node out = YAML::Clone(base);
  for (const auto& kv : over) {
    const std::string key = kv.first.Scalar();
    out[key] = out[key] ? merge(out[key], kv.second) : YAML::Clone(kv.second);
  }
  return out;
}

// Applies `defaults: other.yaml` (one level: the included file may not include again).
void apply_defaults_include(raw_document& doc, const std::string& kind) {
  const YAML::Node inc = doc.root["defaults"];
  if (!inc) return;
  const std::string loc = doc.origins.at("defaults").location;
  if (!inc.IsScalar()) throw bad_input(loc + ": defaults: expected a file path (string)");
  const fs::path base_path = doc.file.parent_path() / inc.Scalar();
  std::error_code ec;
  if (!fs::is_regular_file(base_path, ec)) {
    throw bad_input(fmt::format("{}: defaults: referenced file '{}' not found", loc, base_path.string()));
  }
  raw_document base = read_raw(base_path, base_path.string());
  const auto [base_kind, base_version] = parse_schema_id(base, "");
  (void)base_version;
  if (base_kind != kind) {
    throw bad_input(fmt::format("{}: defaults: '{}' is a {} document; expected a {} document", loc,
                                base_path.string(), base_kind, kind));
  }
  if (base.root["defaults"]) {
    throw bad_input(fmt::format("{}: defaults: only one level of defaults is allowed; '{}' has its own",
                                base.origins.at("defaults").location, base_path.string()));
  }
  doc.root.remove("defaults");
  doc.origins.erase("defaults");
  YAML::Node merged = merge(base.root, doc.root);
  origin_map origins = base.origins;
  for (auto& [k, v] : doc.origins) origins[k] = v;
  doc.root = merged;
  doc.origins = std::move(origins);
}

// ---------------------------------------------------------------------------------------
// Validation

bool is_plain_name(const std::string& s) {
  if (s.empty() || s == "." || s == ".." || s.size() > 255) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '-';
    if (!ok) return false;
  }
  return true;
}

class validator {
 public:
  validator(origin_map& origins, std::string fallback) : m_origins(origins), m_fallback(std::move(fallback)) {}

  void check_node(const YAML::Node& spec, YAML::Node& value, const std::string& path);
  void check_map_keys(const YAML::Node& keys, YAML::Node& value, const std::string& path, bool allow_schema);

 private:
  std::string where(const std::string& path) const {
    for (std::string p = path;;) {
      const auto it = m_origins.find(p);
      if (it != m_origins.end()) return it->second.location;
      const auto dot = p.rfind('.');
      if (dot == std::string::npos) return m_fallback;
      p.resize(dot);
    }
  }
  fs::path file_of(const std::string& path) const {
    for (std::string p = path;;) {
      const auto it = m_origins.find(p);
      if (it != m_origins.end() && !it->second.file.empty()) return it->second.file;
      const auto dot = p.rfind('.');
      if (dot == std::string::npos) return {};
      p.resize(dot);
    }
  }
  [[noreturn]] void fail(const std::string& path, const std::string& problem, const std::string& expected) const {
    throw bad_input(fmt::format("{}: {}: {}; expected {}", where(path), path, problem, expected));
  }
  std::string describe_value(const YAML::Node& v) const {
    if (v.IsScalar()) return "'" + v.Scalar() + "'";
    if (v.IsMap()) return "a mapping";
    if (v.IsSequence()) return "a list";
    return "nothing";
  }
  double number(const YAML::Node& spec, YAML::Node& value, const std::string& path, bool integer);
  void fill_default(const YAML::Node& spec, YAML::Node& parent, const std::string& key, const std::string& path);
  std::string expected_of(const YAML::Node& spec) const;

  origin_map& m_origins;
  std::string m_fallback;
};

std::string validator::expected_of(const YAML::Node& spec) const {
  const std::string type = spec["type"].as<std::string>();
  std::string out = type == "int" ? "an integer" : type == "float" ? "a number" : type == "bool" ? "true or false"
                  : type == "string" ? "a string"
                  : type == "name" ? "a plain name of letters, digits, '.', '_' and '-' (not '.' or '..')"
                  : type == "path" ? "a file path" : type == "list" ? "a list"
                  : type == "map" ? "a mapping" : type == "ref" ? "a file path or an inline document" : "a value";
  if (type == "enum") {
    out = "one of";
    for (const auto& v : spec["values"]) out += " " + v.as<std::string>();
  }
  if (spec["min"] || spec["max"]) {
    out += fmt::format(" in [{}, {}]", spec["min"] ? spec["min"].Scalar() : "-inf", spec["max"] ? spec["max"].Scalar() : "inf");
  }
  if (spec["unit"]) out += " (" + spec["unit"].as<std::string>() + ")";
  return out;
}

double validator::number(const YAML::Node& spec, YAML::Node& value, const std::string& path, bool integer) {
  // Quoted scalars ("5") are strings, not numbers: the tag of a plain scalar is "?".
  if (!value.IsScalar() || value.Tag() == "!") fail(path, "got " + describe_value(value), expected_of(spec));
  double d = 0;
  if (integer) {
    long long i = 0;
    if (!YAML::convert<long long>::decode(value, i)) fail(path, "got " + describe_value(value), expected_of(spec));
    d = static_cast<double>(i);
  } else {
    if (!YAML::convert<double>::decode(value, d) || std::isnan(d))
      fail(path, "got " + describe_value(value), expected_of(spec));
  }
  if ((spec["min"] && d < spec["min"].as<double>()) || (spec["max"] && d > spec["max"].as<double>())) {
    fail(path, "value " + value.Scalar() + " is out of range", expected_of(spec));
  }
  return d;
}

void validator::fill_default(const YAML::Node& spec, YAML::Node& parent, const std::string& key, const std::string& path) {
  const std::string type = spec["type"].as<std::string>();
  if (spec["default"]) {
    parent[key] = YAML::Clone(spec["default"]);
    if (type == "map" || type == "list") {
      YAML::Node child = parent[key];
      check_node(spec, child, path);
    }
    return;
  }
  if (spec["optional"] && spec["optional"].as<bool>()) return;
  if (type == "map" && spec["keys"]) {
    // A section left out entirely takes the defaults of its keys.
    YAML::Node child(YAML::NodeType::Map);
    check_node(spec, child, path);
    parent[key] = child;
    return;
  }
  const auto dot = path.rfind('.');
  fail(path, "missing required key", expected_of(spec) + (dot == std::string::npos ? "" : " under " + path.substr(0, dot)));
}

void validator::check_map_keys(const YAML::Node& keys, YAML::Node& value, const std::string& path, bool allow_schema) {
  for (const auto& kv : value) {
    const std::string key = kv.first.Scalar();
    if (allow_schema && key == "schema") continue;
    if (!keys[key]) {
      std::string valid;
      for (const auto& k : keys) valid += (valid.empty() ? "" : ", ") + k.first.Scalar();
      fail(join(path, key), "unknown key", "one of: " + valid);
    }
  }
  for (const auto& k : keys) {
    const std::string key = k.first.Scalar();
    const std::string child_path = join(path, key);
    if (value[key]) {
      YAML::Node child = value[key];
      check_node(k.second, child, child_path);
    } else {
      fill_default(k.second, value, key, child_path);
    }
  }
}

void validator::check_node(const YAML::Node& spec, YAML::Node& value, const std::string& path) {
  const std::string type = spec["type"].as<std::string>();
  if (type == "any") return;
  if (type == "int" || type == "float") {
    number(spec, value, path, type == "int");
  } else if (type == "bool") {
    bool b = false;
    if (!value.IsScalar() || value.Tag() == "!" || !YAML::convert<bool>::decode(value, b))
      fail(path, "got " + describe_value(value), expected_of(spec));
  } else if (type == "string" || type == "path" || type == "name") {
    if (!value.IsScalar()) fail(path, "got " + describe_value(value), expected_of(spec));
    if (type == "name" && !is_plain_name(value.Scalar())) {
      // A name becomes a folder name (<output_dir>/<name>/): '/' or '..' would put the
      // run folder somewhere else.
      fail(path, "got " + describe_value(value), expected_of(spec));
    }
    if (type == "path" && spec["must_exist"] && spec["must_exist"].as<bool>()) {
      const fs::path p = file_of(path).parent_path() / value.Scalar();
      std::error_code ec;
      if (!fs::exists(p, ec)) fail(path, "referenced file '" + p.string() + "' not found", "an existing file");
    }
  } else if (type == "enum") {
    if (!value.IsScalar()) fail(path, "got " + describe_value(value), expected_of(spec));
    bool ok = false;
    for (const auto& v : spec["values"]) ok = ok || v.Scalar() == value.Scalar();
    if (!ok) fail(path, "got " + describe_value(value), expected_of(spec));
  } else if (type == "list") {
    if (!value.IsSequence()) fail(path, "got " + describe_value(value), expected_of(spec));
    if (spec["min_items"] && value.size() < spec["min_items"].as<std::size_t>()) {
      fail(path, fmt::format("list has {} items", value.size()), fmt::format("at least {}", spec["min_items"].Scalar()));
    }
    if (spec["items"]) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        YAML::Node item = value[i];
        check_node(spec["items"], item, join(path, std::to_string(i)));
      }
    }
  } else if (type == "map") {
    if (!value.IsMap()) fail(path, "got " + describe_value(value), expected_of(spec));
    if (spec["tag"]) {
      // Tagged union: the tag key picks which key set applies (e.g. layer `type: conv`).
      const std::string tag = spec["tag"].as<std::string>();
      std::string names;
      for (const auto& v : spec["variants"]) names += " " + v.first.Scalar();
      if (!value[tag]) fail(join(path, tag), "missing required key", "one of" + names);
      const YAML::Node variant = spec["variants"][value[tag].Scalar()];
      if (!variant) fail(join(path, tag), "got " + describe_value(value[tag]), "one of" + names);
      YAML::Node keys = YAML::Clone(variant["keys"] ? variant["keys"] : YAML::Node(YAML::NodeType::Map));
      keys[tag]["type"] = "string";
      check_map_keys(keys, value, path, false);
    } else if (spec["keys"]) {
      check_map_keys(spec["keys"], value, path, false);
    } else if (spec["entries"]) {
      for (auto kv : value) {
        YAML::Node child = kv.second;
        check_node(spec["entries"], child, join(path, kv.first.Scalar()));
      }
    }
  } else if (type == "ref") {
    // Already inlined by the loader; validate against the referenced kind's schema.
    if (!value.IsMap()) fail(path, "got " + describe_value(value), expected_of(spec));
    check_map_keys(schema_for(spec["kind"].as<std::string>()).keys, value, path, true);
  } else {
    throw std::logic_error("schema: unknown type " + type + " at " + path);
  }
}

// ---------------------------------------------------------------------------------------
// Overrides

YAML::Node parse_override_value(const override_entry& o) {
  const std::string display = "--set " + o.path + "=" + o.value;
  // Messages repeat a long value only in part (an alias bomb is a long value).
  const std::string shown = o.value.size() > 60 ? "--set " + o.path + "=" + o.value.substr(0, 50) + "..." : display;
  try {
    return unshared_copy(load_checked(o.value.empty() ? std::string("''") : o.value, display));
  } catch (const bad_input& e) {
    // The value is one command-line argument: drop the line:column after its name.
    const std::string msg = e.what();
    const auto problem = msg.find(": ", display.size());
    throw bad_input(shown + ": bad value" + (problem == std::string::npos ? std::string() : msg.substr(problem)));
  }
}

// `text` with every byte that is not valid UTF-8 written as \xNN, for messages.
std::string escape_invalid_utf8(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

void apply_override(YAML::Node root, const override_entry& o, origin_map& origins, const std::string& display) {
  // Checked first: every later message repeats the key and the value.
  for (const std::string* part : {&o.path, &o.value}) {
    const std::size_t at = invalid_utf8_at(*part);
    if (at != std::string::npos) {
      throw bad_input(fmt::format("--set {}={}: byte 0x{:02x} at offset {} of the {} is not valid UTF-8",
                                  escape_invalid_utf8(o.path), escape_invalid_utf8(o.value),
                                  static_cast<unsigned char>((*part)[at]), at, part == &o.path ? "key" : "value"));
    }
  }
  std::vector<std::string> parts;
  std::stringstream ss(o.path);
  for (std::string p; std::getline(ss, p, '.');) {
    if (p.empty()) throw bad_input(fmt::format("--set {}={}: empty key component", o.path, o.value));
    parts.push_back(p);
  }
  if (parts.empty()) throw bad_input("--set: empty key");
  // yaml-cpp nodes are handles, so assigning through `node` edits `root` in place.
  YAML::Node node = root;
  std::string prefix;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    prefix = join(prefix, part);
    if (node.IsSequence()) {
      std::size_t idx = 0;
      try {
        idx = std::stoul(part);
      } catch (const std::exception&) {
        throw bad_input(fmt::format("{}: --set {}: '{}' is a list; expected an index", display, o.path, prefix));
      }
      if (idx >= node.size()) {
        throw bad_input(fmt::format("{}: --set {}: index {} is past the end of a list of {}", display, o.path, idx, node.size()));
      }
      if (last) {
        node[idx] = parse_override_value(o);
      } else {
        node.reset(node[idx]);
      }
    } else {
      if (!node.IsMap() && !node.IsNull()) {
        throw bad_input(fmt::format("{}: --set {}: '{}' is a value, not a section", display, o.path, prefix));
      }
      if (last) {
        node[part] = parse_override_value(o);
      } else {
        YAML::Node next = node[part];
        if (!next) {
          node[part] = YAML::Node(YAML::NodeType::Map);
          next = node[part];
        }
        node.reset(next);
      }
    }
  }
  erase_origins(origins, o.path);
  origins[o.path] = {"--set " + o.path + "=" + o.value, {}};
}

// Experiments name their network/hardware/platform by path; inline them so one tree holds
// the whole configuration and overrides can reach into it.
void inline_references(raw_document& doc, const YAML::Node& keys, const std::string& prefix) {
  for (const auto& k : keys) {
    const std::string key = k.first.Scalar();
    const YAML::Node spec = k.second;
    if (spec["type"].as<std::string>() != "ref") continue;
    YAML::Node value = doc.root[key];
    if (!value || !value.IsScalar()) continue;
    const std::string path = join(prefix, key);
    const std::string loc = doc.origins.at(path).location;
    const fs::path file = doc.file.parent_path() / value.Scalar();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      throw bad_input(fmt::format("{}: {}: referenced file '{}' not found", loc, path, file.string()));
    }
    raw_document sub = read_raw(file, file.string());
    const auto [kind, version] = parse_schema_id(sub, "");
    (void)version;
    const std::string want = spec["kind"].as<std::string>();
    if (kind != want) {
      throw bad_input(fmt::format("{}: {}: '{}' is a {} document; expected a {} document", loc, path, file.string(), kind, want));
    }
    apply_defaults_include(sub, kind);
    doc.root[key] = sub.root;
    erase_origins(doc.origins, path);
    doc.origins[path] = {loc, file};
    for (const auto& [k2, v2] : sub.origins) doc.origins[join(path, k2)] = v2;
  }
}

document finish(raw_document raw, const std::vector<override_entry>& overrides, const std::string& expected_kind) {
  const auto [kind, version] = parse_schema_id(raw, "");
  if (!expected_kind.empty() && kind != expected_kind) {
    throw bad_input(fmt::format("{}: schema: this is a {} document; expected a {} document",
                                raw.origins.at("schema").location, kind, expected_kind));
  }
  apply_defaults_include(raw, kind);
  const schema_entry& schema = schema_for(kind);
  inline_references(raw, schema.keys, "");
  for (const auto& o : overrides) apply_override(raw.root, o, raw.origins, raw.display);
  validator v(raw.origins, top_location(raw));
  v.check_map_keys(schema.keys, raw.root, "", true);
  return document(kind, version, raw.file, raw.root, std::move(raw.origins));
}

YAML::Node find(const YAML::Node& root, const std::string& path) {
  YAML::Node node = root;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) {
    if (node.IsSequence()) {
      std::size_t idx = 0;
      try {
        idx = std::stoul(part);
      } catch (const std::exception&) {
        return YAML::Node(YAML::NodeType::Undefined);
      }
      if (idx >= node.size()) return YAML::Node(YAML::NodeType::Undefined);
      node.reset(node[idx]);
    } else if (node.IsMap()) {
      const YAML::Node next = node[part];
      if (!next) return YAML::Node(YAML::NodeType::Undefined);
      node.reset(next);
    } else {
      return YAML::Node(YAML::NodeType::Undefined);
    }
  }
  return node;
}

void describe(const YAML::Node& spec, const std::string& path, std::vector<key_info>& out) {
  key_info info;
  info.path = path;
  info.type = spec["type"].as<std::string>();
  if (spec["default"]) {
    YAML::Emitter e;
    e << YAML::Flow << spec["default"];
    info.default_value = e.c_str();
  } else if (!(spec["optional"] && spec["optional"].as<bool>()) && !(info.type == "map" && spec["keys"])) {
    info.default_value = "(required)";
  }
  if (info.type == "enum") {
    for (const auto& v : spec["values"]) info.range += (info.range.empty() ? "" : " | ") + v.Scalar();
  } else if (spec["min"] || spec["max"]) {
    info.range = fmt::format("[{}, {}]", spec["min"] ? spec["min"].Scalar() : "-inf", spec["max"] ? spec["max"].Scalar() : "inf");
  }
  if (info.type == "ref") info.range = spec["kind"].as<std::string>() + " document (path or inline)";
  if (spec["unit"]) info.unit = spec["unit"].Scalar();
  if (spec["doc"]) info.doc = spec["doc"].Scalar();
  if (!path.empty()) out.push_back(info);
  if (info.type == "map" && spec["keys"]) {
    for (const auto& k : spec["keys"]) describe(k.second, join(path, k.first.Scalar()), out);
  } else if (info.type == "map" && spec["entries"]) {
    describe(spec["entries"], join(path, "<name>"), out);
  } else if (info.type == "map" && spec["tag"]) {
    for (const auto& v : spec["variants"]) {
      const std::string vpath = join(path, "<" + spec["tag"].Scalar() + "=" + v.first.Scalar() + ">");
      if (v.second["keys"]) {
        for (const auto& k : v.second["keys"]) describe(k.second, join(vpath, k.first.Scalar()), out);
      }
    }
  } else if (info.type == "list" && spec["items"]) {
    describe(spec["items"], path + "[]", out);
  }
}

}  // namespace

YAML::Node parse_yaml(const std::string& text, const std::string& display) {
  return unshared_copy(load_checked(text, display));
}

override_entry parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw bad_input("--set " + text + ": expected key.path=value");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

std::vector<override_entry> parse_overrides(const std::vector<std::string>& texts) {
  std::vector<override_entry> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(parse_override(t));
  return out;
}

document load(const fs::path& file, const std::vector<override_entry>& overrides, const std::string& expected_kind) {
  return finish(read_raw(file, file.string()), overrides, expected_kind);
}

document load_text(const std::string& text, const std::string& name, const std::vector<override_entry>& overrides,
                   const std::string& expected_kind, const fs::path& base_dir) {
  return finish(parse_raw(text, base_dir / name, name), overrides, expected_kind);
}

const document::origin* document::find_origin(const std::string& path) const {
  for (std::string p = path;;) {
    const auto it = m_origins.find(p);
    if (it != m_origins.end()) return &it->second;
    const auto dot = p.rfind('.');
    if (dot == std::string::npos) return nullptr;
    p.resize(dot);
  }
}

bool document::has(const std::string& path) const { return static_cast<bool>(find(m_root, path)); }

YAML::Node document::at(const std::string& path) const {
  YAML::Node n = find(m_root, path);
  if (!n) throw bad_input(fmt::format("{}: {}: missing key", m_file.string(), path));
  return n;
}

std::string document::where(const std::string& path) const {
  const origin* o = find_origin(path);
  return o ? o->location : m_file.string();
}

fs::path document::source_file(const std::string& path) const {
  for (std::string p = path;;) {
    const auto it = m_origins.find(p);
    if (it != m_origins.end() && !it->second.file.empty()) return it->second.file;
    const auto dot = p.rfind('.');
    if (dot == std::string::npos) return m_file;
    p.resize(dot);
  }
}

std::string document::resolved_yaml() const {
  YAML::Emitter e;
  e << m_root;
  return std::string(e.c_str()) + "\n";
}

std::vector<std::string> schema_kinds() {
  std::vector<std::string> out;
  for (const auto& [name, text] : detail::embedded_schemas()) {
    (void)text;
    out.push_back(name);
  }
  return out;
}

int schema_version(const std::string& kind) { return schema_for(kind).version; }

std::vector<key_info> describe_schema(const std::string& kind) {
  std::vector<key_info> out;
  out.push_back({"schema", "string", fmt::format("(required) {}{}/{}", schema_prefix, kind, schema_version(kind)), "", "", "document kind and version"});
  out.push_back({"defaults", "path", "", "", "", "optional file of the same kind merged underneath (one level)"});
  for (const auto& k : schema_for(kind).keys) describe(k.second, k.first.Scalar(), out);
  return out;
}

}  // namespace snncosim::config
