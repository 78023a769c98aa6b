#pragma once
// The project's version, as project() in the top CMakeLists.txt declares it.
namespace snncosim {
const char* project_version();
}  // namespace snncosim
