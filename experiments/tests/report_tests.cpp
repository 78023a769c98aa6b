#include <doctest/doctest.h>

#include "snncosim/experiments/report.h"

namespace ex = snncosim::experiments;
using nlohmann::json;

namespace {

ex::point_record point(const std::string& id, const std::string& neuron, const std::string& surrogate, double acc,
                       double latency, double rate) {
  ex::point_record p;
  p.id = id;
  p.neuron_model = neuron;
  p.surrogate = surrogate;
  p.slope = 25;
  p.dataset = "builtin_fashion";
  p.label = "network.neuron.model=" + neuron + ", network.neuron.surrogate.name=" + surrogate;
  p.settings = {{"network.neuron.model", neuron}, {"network.neuron.surrogate.name", surrogate}};
  p.metrics = {{"accuracy", {{"integer", acc}, {"float", acc + 0.01}}},
               {"latency", {{"cycles", latency}, {"us", latency / 100}, {"phases", {{"compress", 1.0}}}}},
               {"time_steps", 2},
               {"spikes_per_sample", 10.0},
               {"training", {{"firing_rates", {{"l1", rate}, {"l2", rate / 2}}}}},
               {"layers", {{{"name", "l1"}, {"neurons", 10}, {"spikes_per_sample", 10.0}, {"cycles", latency}}}}};
  return p;
}

std::vector<ex::point_record> four_points() {
  return {point("a", "leaky", "fast_sigmoid", 0.80, 1000, 0.10), point("b", "leaky", "spike_rate_escape", 0.78, 900, 0.08),
          point("c", "lapicque", "fast_sigmoid", 0.82, 700, 0.05), point("d", "lapicque", "spike_rate_escape", 0.60, 800, 0.06)};
}

}  // namespace

TEST_CASE("report: record accessors and sparsity over layers") {
  const auto p = four_points()[0];
  CHECK(p.accuracy() == doctest::Approx(0.80));
  CHECK(p.sparsity() == doctest::Approx(1 - 10.0 / 20));
  CHECK(p.training_rates() == std::vector<double>{0.10, 0.05});
}

TEST_CASE("report: selection finds the baseline and the Pareto front") {
  const auto pts = four_points();
  const auto sel = ex::select_points(pts, {});
  CHECK(sel.baseline == 0);
  // c (0.82, 700) dominates a, b and d.
  CHECK(sel.front == std::vector<std::size_t>{2});
  REQUIRE(!sel.predictor.is_null());
  CHECK(sel.predictor["features"] == "per-layer training firing rates");  // 4 points >= 2 features + 2
  // Three points are too few for two rates + intercept with one held out: the mean rate.
  const std::vector<ex::point_record> three(pts.begin(), pts.begin() + 3);
  CHECK(ex::select_points(three, {}).predictor["features"] == "mean training firing rate");
}

TEST_CASE("report: summary.csv has a header and one row per point") {
  const std::string csv = ex::summary_csv(four_points());
  CHECK(csv.rfind("id,label,network.neuron.model,network.neuron.surrogate.name,dataset,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);
  CHECK(csv.find("\nc,\"network.neuron.model=lapicque, network.neuron.surrogate.name=fast_sigmoid\",lapicque,"
                 "fast_sigmoid,builtin_fashion,lapicque,fast_sigmoid,25,0.830000,0.820000,700.0,7.000,") !=
        std::string::npos);
}

TEST_CASE("report: markdown has the comparisons with paired ratios") {
  const auto pts = four_points();
  const auto sel = ex::select_points(pts, {});
  const std::string md = ex::report_markdown("t", pts, sel, ex::plot_jobs(pts, sel), {"accuracy_vs_latency.png"});
  CHECK(md.find("![Integer accuracy vs latency (Pareto front in red)](accuracy_vs_latency.png)") != std::string::npos);
  CHECK(md.find("layer_spikes.png") == std::string::npos);  // not made: not linked
  // Lapicque vs leaky, paired by surrogate: 700/1000 = -30 %, 800/900 = -11.1 %; accuracy +2 and -18 pp.
  CHECK(md.find("| lapicque | 2 | 71.00 | 750 | 10 | -8.00 | -30.0 % / -20.6 % |") != std::string::npos);
  // Spike rate escape vs fast sigmoid, paired by neuron: 900/1000 and 800/700.
  CHECK(md.find("| spike_rate_escape | 2 | 69.00 | 850 | 10 | -12.00 | -10.0 % / +2.1 % |") != std::string::npos);
  // Selection: c vs baseline a: +2 pp, 1000/700 = 1.43x.
  CHECK(md.find("| +2.00 | 1.43x |") != std::string::npos);
}

TEST_CASE("report: html escapes text and turns tables and images into tags") {
  const std::string html = ex::markdown_to_html("a<b", "# T\n\n| x | y |\n|---|---|\n| 1 | <2> |\n\n![p](p.png)\n");
  CHECK(html.find("<title>a&lt;b</title>") != std::string::npos);
  CHECK(html.find("<h1>T</h1>") != std::string::npos);
  // A GitHub table: header cells in <th>, body cells in <td>, '<' and '>' of a cell escaped.
  CHECK(html.find("<table>") != std::string::npos);
  CHECK(html.find("<th>x</th>\n<th>y</th>") != std::string::npos);
  CHECK(html.find("<td>1</td>\n<td>&lt;2&gt;</td>") != std::string::npos);
  CHECK(html.find("</table>") != std::string::npos);
  CHECK(html.find("<img src=\"p.png\" alt=\"p\"") != std::string::npos);
}

TEST_CASE("report: plot scripts reference their data files") {
  const auto pts = four_points();
  const auto jobs = ex::plot_jobs(pts, ex::select_points(pts, {}));
  REQUIRE(jobs.size() == 5);
  for (const auto& j : jobs) {
    CHECK(j.script.find("set output '" + j.name + ".png'") != std::string::npos);
    CHECK(j.script.find("'" + j.name + ".dat'") != std::string::npos);
  }
  CHECK(jobs[0].data.find("# pareto\n700 ") != std::string::npos);
}
