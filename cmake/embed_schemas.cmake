# Writes a C++ file holding each schema file's text, keyed by its base name.
set(body "// Generated from yaml/schemas by cmake/embed_schemas.cmake. Do not edit.\n#include <map>\n#include <string>\nnamespace snncosim::config::detail {\nconst std::map<std::string, std::string>& embedded_schemas() {\n  static const std::map<std::string, std::string> schemas = {\n")
string(REPLACE "|" ";" FILES "${FILES}")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} text)
  # Raw string with a delimiter no schema uses.
  string(APPEND body "    {\"${name}\", R\"snncosim_schema(${text})snncosim_schema\"},\n")
endforeach()
string(APPEND body "  };\n  return schemas;\n}\n}  // namespace snncosim::config::detail\n")
file(WRITE ${OUT}.tmp "${body}")
file(RENAME ${OUT}.tmp ${OUT})
