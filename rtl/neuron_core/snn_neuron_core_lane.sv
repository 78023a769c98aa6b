// One neuron-core lane of a layer engine (docs/rtl.md §2): its weight, accumulator and
// membrane RAMs, gain and bias per channel, the running maximum of a pooled neuron's
// accumulators and the neuron step. The RAMs' read pipelines hold while the cores are
// frozen (run_en_i low); the load port writes any of them while the engine is idle.
module snn_neuron_core_lane #(
  parameter int unsigned WeightWords = 16384,
  parameter int unsigned AccWords    = 16384,
  parameter int unsigned MemWords    = 16384,
  parameter int unsigned ChanWords   = 64,
  parameter int unsigned MaxLatency  = 4,
  localparam int unsigned LatW       = $clog2(MaxLatency + 1),
  localparam int unsigned WAddrW     = $clog2(WeightWords),
  localparam int unsigned AAddrW     = $clog2(AccWords),
  localparam int unsigned MAddrW     = $clog2(MemWords),
  localparam int unsigned CAddrW     = $clog2(ChanWords)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               run_en_i,
  input  logic [LatW-1:0]    cfg_lat_w_i,
  input  logic [LatW-1:0]    cfg_lat_m_i,
  // load port of this lane (target 2 weight, 3 gain, 4 bias, 5 accumulator, 6 membrane)
  input  logic               load_valid_i,
  input  logic [2:0]         load_target_i,
  // Waiver: the address is 32 bits for every target; smaller memories ignore the top bits.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [31:0]        load_addr_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [31:0]        load_data_i,
  // weights
  input  logic               w_re_i,
  input  logic [WAddrW-1:0]  w_raddr_i,
  output logic [15:0]        w_rdata_o,
  // accumulators
  input  logic               acc_re_i,
  input  logic [AAddrW-1:0]  acc_raddr_i,
  output logic [31:0]        acc_rdata_o,
  input  logic               acc_we_i,
  input  logic [AAddrW-1:0]  acc_waddr_i,
  input  logic [31:0]        acc_wdata_i,
  // membranes: read, and the neuron step's result written back
  input  logic               mem_re_i,
  input  logic [MAddrW-1:0]  mem_raddr_i,
  input  logic               mem_we_i,
  input  logic [MAddrW-1:0]  mem_waddr_i,
  // neuron step of the slot whose reads return now
  input  logic               ret_valid_i,
  input  logic               ret_first_i,    // its first accumulator read (pooling maximum restarts)
  // Waiver: the pass indexes ChanWords gains and biases; higher bits are zero by construction.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [15:0]        ret_pass_i,     // its pass: the lane's channel index
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [1:0]         cfg_reset_kind_i,
  input  logic               cfg_reset_delay_i,
  input  logic [31:0]        cfg_decay_i,
  input  logic [31:0]        cfg_threshold_i,
  input  logic [31:0]        cfg_reset_amount_i,
  input  logic [5:0]         cfg_acc_bits_i,
  input  logic [5:0]         cfg_mem_bits_i,
  input  logic [4:0]         cfg_frac_bits_i,
  output logic [31:0]        step_mem_o,
  output logic               step_spike_o
);
  localparam logic [2:0] TgtWeight = 3'd2, TgtGain = 3'd3, TgtBias = 3'd4, TgtAcc = 3'd5, TgtMem = 3'd6;

  logic [31:0] mem_rdata;

  // Waiver (PINCONNECTEMPTY): the RAMs' own valid outputs are unused; the side-information
  // delay lines of the engine carry validity together with the addresses.
  /* verilator lint_off PINCONNECTEMPTY */
  snn_ram_1r1w #(.Width(16), .Depth(WeightWords), .MaxLatency(MaxLatency)) u_weights (
    .clk_i, .rst_ni, .latency_i(cfg_lat_w_i), .en_i(run_en_i),
    .re_i(w_re_i), .raddr_i(w_raddr_i), .rvalid_o(), .rdata_o(w_rdata_o),
    .we_i(load_valid_i && load_target_i == TgtWeight), .waddr_i(WAddrW'(load_addr_i)),
    .wdata_i(load_data_i[15:0])
  );
  snn_ram_1r1w #(.Width(32), .Depth(AccWords), .MaxLatency(MaxLatency)) u_accumulators (
    .clk_i, .rst_ni, .latency_i(cfg_lat_m_i), .en_i(run_en_i),
    .re_i(acc_re_i), .raddr_i(acc_raddr_i), .rvalid_o(), .rdata_o(acc_rdata_o),
    .we_i(acc_we_i || (load_valid_i && load_target_i == TgtAcc)),
    .waddr_i(acc_we_i ? acc_waddr_i : AAddrW'(load_addr_i)),
    .wdata_i(acc_we_i ? acc_wdata_i : load_data_i)
  );
  snn_ram_1r1w #(.Width(32), .Depth(MemWords), .MaxLatency(MaxLatency)) u_membranes (
    .clk_i, .rst_ni, .latency_i(cfg_lat_m_i), .en_i(run_en_i),
    .re_i(mem_re_i), .raddr_i(mem_raddr_i), .rvalid_o(), .rdata_o(mem_rdata),
    .we_i(mem_we_i || (load_valid_i && load_target_i == TgtMem)),
    .waddr_i(mem_we_i ? mem_waddr_i : MAddrW'(load_addr_i)),
    .wdata_i(mem_we_i ? step_mem_o : load_data_i)
  );
  /* verilator lint_on PINCONNECTEMPTY */

  // Gain and bias per channel: small arrays without reset, written by the load port only.
  logic [31:0] gain_q [ChanWords];
  logic [31:0] bias_q [ChanWords];
  always_ff @(posedge clk_i) begin
    if (load_valid_i && load_target_i == TgtGain) gain_q[CAddrW'(load_addr_i)] <= load_data_i;
    if (load_valid_i && load_target_i == TgtBias) bias_q[CAddrW'(load_addr_i)] <= load_data_i;
  end

  // Running maximum of a pooled neuron's accumulators (held while the cores are frozen).
  logic signed [31:0] pool_max_q, pool_max_d, pooled;
  assign pooled     = (ret_first_i || signed'(acc_rdata_o) > pool_max_q) ? signed'(acc_rdata_o) : pool_max_q;
  assign pool_max_d = ret_valid_i && run_en_i ? pooled : pool_max_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pool_max_q <= '0;
    end else begin
      pool_max_q <= pool_max_d;
    end
  end

  snn_neuron_step u_step (
    .reset_kind_i   (cfg_reset_kind_i),
    .reset_delay_i  (cfg_reset_delay_i),
    .decay_i        (cfg_decay_i),
    .threshold_i    (cfg_threshold_i),
    .reset_amount_i (cfg_reset_amount_i),
    .acc_bits_i     (cfg_acc_bits_i),
    .mem_bits_i     (cfg_mem_bits_i),
    .frac_bits_i    (cfg_frac_bits_i),
    .gain_i         (gain_q[CAddrW'(ret_pass_i)]),
    .bias_i         (bias_q[CAddrW'(ret_pass_i)]),
    .acc_i          (pooled),
    .mem_i          (mem_rdata),
    .mem_o          (step_mem_o),
    .spike_o        (step_spike_o)
  );
endmodule
