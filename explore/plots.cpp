#include "snncosim/explore/plots.h"


#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "snncosim/common/atomic_file.h"
#include "snncosim/experiments/child_process.h"
#include "snncosim/experiments/gnuplot.h"

namespace snncosim::explore {

void write_pareto_csv(const std::filesystem::path& path, const std::vector<explore::scored>& front) {
  std::string csv = "rank,pipeline_mode,score,mean_latency_cycles,samples_per_s,mean_energy_uj,max_utilisation,lut,ff,"
                    "bram36,uram,dsp,neuron_cores,penc_width_bits,weight_memory,membrane_memory,spike_fifo_depth\n";
  for (std::size_t i = 0; i < front.size(); ++i) {
    const auto& s = front[i];
    std::string cores, penc, wk, mk, fifo;
    for (const auto& l : s.hw.layers) {
      if (!cores.empty()) {
        for (std::string* f : {&cores, &penc, &wk, &mk, &fifo}) f->push_back(';');
      }
      cores.append(std::to_string(l.neuron_cores));
      penc.append(std::to_string(l.penc_width_bits));
      wk.append(sc_models::to_string(l.weight_memory.kind));
      mk.append(sc_models::to_string(l.membrane_memory.kind));
      fifo.append(std::to_string(l.spike_fifo_depth));
    }
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", i + 1, sc_models::to_string(s.hw.mode),
                       s.score, s.eval.mean_latency_cycles, s.eval.samples_per_s, s.eval.mean_energy_uj,
                       s.max_utilisation, s.used.lut, s.used.ff, s.used.bram36, s.used.uram, s.used.dsp, cores, penc,
                       wk, mk, fifo);
  }
  write_file_atomic(path, csv);
}

nlohmann::json write_plots(const std::filesystem::path& dir, const explore::search_result& res,
                           const nlohmann::json& balance) {
  std::string all, front, bal;
  for (const auto& s : res.all_feasible)
    all += fmt::format("{} {}\n", 100 * s.max_utilisation, s.eval.mean_latency_cycles);
  for (const auto& s : res.pareto) front += fmt::format("{} {}\n", 100 * s.max_utilisation, s.eval.mean_latency_cycles);
  for (const auto& b : balance)
    bal += fmt::format("{} {} {}\n", b["layer"].get<std::string>(), b["baseline_busy_cycles"].get<double>(),
                       b["best_busy_cycles"].get<double>());
  write_file_atomic(dir / "plot_all.dat", all);
  write_file_atomic(dir / "plot_pareto.dat", front);
  write_file_atomic(dir / "plot_balance.dat", bal);
  const std::string script = fmt::format(
      "set terminal pngcairo size 900,600 noenhanced\n"
      "set output '{0}/pareto.png.partial'\n"
      "set title 'Explored configurations: latency vs resources'\n"
      "set xlabel 'max resource utilisation (%)'\nset ylabel 'mean latency (cycles)'\nset logscale y\nset grid\n"
      "plot '{0}/plot_all.dat' using 1:2 with points pt 7 ps 0.3 lc rgb '#999999' title 'feasible', "
      "'{0}/plot_pareto.dat' using 1:2 with linespoints pt 7 ps 1 lc rgb '#d62728' title 'Pareto front'\n"
      "set output '{0}/balance.png.partial'\nunset logscale y\n"
      "set title 'Per-layer core busy cycles (accumulate + activate + stall), start point vs best'\n"
      "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8\n"
      "set xlabel 'layer'\nset ylabel 'cycles'\nset xtics rotate by -30\n"
      "plot '{0}/plot_balance.dat' using 2:xtic(1) title 'start point', '' using 3 title 'best'\n",
      dir.string());
  write_file_atomic(dir / "plots.gp", script);
  nlohmann::json files = nlohmann::json::array();
  const std::filesystem::path gnuplot = experiments::find_gnuplot();
  const int rc =
      gnuplot.empty()
          ? 127  // as a shell reports a command it cannot find
          : experiments::run_child({gnuplot.string(), (dir / "plots.gp").string()}, "/dev/null", "/dev/null").exit_code;
  if (rc != 0) {
    spdlog::warn("explore: gnuplot failed (exit {}); the plot data are in {}", rc, dir.string());
    return files;
  }
  for (const char* f : {"pareto.png", "balance.png"}) {
    std::filesystem::rename(dir / (std::string(f) + ".partial"), dir / f);
    files.push_back((dir / f).string());
  }
  return files;
}

}  // namespace snncosim::explore
