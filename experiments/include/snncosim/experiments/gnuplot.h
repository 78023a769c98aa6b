#pragma once
// Plots drawn by gnuplot in a child process (report, co-design view, inspect).
#include <filesystem>
#include <string>

namespace snncosim::experiments {

// /usr/bin/gnuplot or /usr/local/bin/gnuplot; empty when neither exists.
std::filesystem::path find_gnuplot();

// Runs `gnuplot DIR/NAME.gp`, its output in DIR/NAME.gnuplot.log. True when it made
// DIR/NAME.png (the log is removed); on failure no PNG is left behind (gnuplot may have
// started writing it) and the log stays for the user.
bool run_gnuplot(const std::filesystem::path& gnuplot, const std::filesystem::path& dir, const std::string& name);

// One PNG at `png`, made atomically: `data` in a temporary .dat file, then a standard preamble
// and `plot_commands`, in which {} stands for the data file's path. Throws when gnuplot is
// missing or fails (its log named in the message).
void draw_png(const std::filesystem::path& png, const std::string& data, const std::string& plot_commands);

}  // namespace snncosim::experiments
