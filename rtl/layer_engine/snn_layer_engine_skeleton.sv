// Resource skeleton of one layer engine (docs/hardware.md §11), the design behind
// `--resource-model skeleton`: its coefficients (explore/rtl_model/calibration_xcup.csv,
// written by explore/rtl_model/calibrate.sh) are Yosys synth_xilinx counts of this module,
// so it stays as it is for those estimates to reproduce. It has the blocks that cost area,
// with the TLM's widths: spike memory + priority encoder (event control), weight memory,
// N neuron-core lanes (accumulate read-modify-write, saturating add, leak multiply,
// threshold), per-lane accumulator and membrane memories, and the router FIFO. It is not
// cycle-exact, not a design file (not in rtl/sources.txt) and never simulated; the real
// engine is snn_layer_engine.
module snn_layer_engine_skeleton #(
  parameter int N      = 1,     // neuron cores (lanes)
  parameter int PENC   = 32,    // priority-encoder chunk width
  parameter int SDEPTH = 64,    // spike-memory chunks (frames * frame_bits / PENC * slots)
  parameter int WBITS  = 8,     // weight bits
  parameter int WWIDTH = 64,    // weight memory port width
  parameter int WDEPTH = 256,   // weight memory words
  parameter int ACC    = 16,    // accumulator bits
  parameter int MEM    = 16,    // membrane bits
  parameter int ADEPTH = 64,    // accumulator words per lane
  parameter int MDEPTH = 64,    // membrane words per lane
  parameter int FDEPTH = 16,    // router FIFO depth
  parameter int EBITS  = 24     // address-event width
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              load_i,        // load port: weights / spikes
  // Waiver: bit 31 selects spikes or weights; the memories use the low address bits.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [31:0]       load_addr_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [WWIDTH-1:0] load_data_i,
  input  logic              run_i,
  input  logic              activate_i,
  input  logic [15:0]       gain_i,
  input  logic [ACC-1:0]    thr_i,
  output logic              ev_valid_o,
  output logic [EBITS-1:0]  ev_data_o,
  input  logic              ev_ready_i
);
  localparam int SA = $clog2(SDEPTH > 1 ? SDEPTH : 2);
  localparam int WA = $clog2(WDEPTH > 1 ? WDEPTH : 2);
  localparam int AA = $clog2(ADEPTH > 1 ? ADEPTH : 2);
  localparam int MA = $clog2(MDEPTH > 1 ? MDEPTH : 2);
  localparam int PA = $clog2(PENC > 1 ? PENC : 2);
  localparam int FA = $clog2(FDEPTH > 1 ? FDEPTH : 2);

  // Event control: spike memory (registered read, clear on read) and priority encoder.
  logic [PENC-1:0] spike_mem [SDEPTH];
  logic [SA-1:0]   chunk_q;
  logic [PENC-1:0] chunk_bits_q, chunk_left_q;
  logic            chunk_valid_q;
  always_ff @(posedge clk_i) begin
    if (load_i && load_addr_i[31]) spike_mem[load_addr_i[SA-1:0]] <= load_data_i[PENC-1:0];
    chunk_bits_q <= spike_mem[chunk_q];
  end
  logic [PA-1:0] penc_idx;
  logic          penc_hit;
  always_comb begin
    penc_idx = '0;
    penc_hit = 1'b0;
    for (int i = PENC - 1; i >= 0; i--) begin
      if (chunk_left_q[i]) begin
        penc_idx = i[PA-1:0];
        penc_hit = 1'b1;
      end
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      chunk_q       <= '0;
      chunk_left_q  <= '0;
      chunk_valid_q <= 1'b0;
    end else if (run_i) begin
      if (!penc_hit) begin
        chunk_q       <= chunk_q + 1'b1;
        chunk_left_q  <= chunk_bits_q;
        chunk_valid_q <= 1'b1;
      end else begin
        chunk_left_q[penc_idx] <= 1'b0;
      end
    end
  end
  logic [WA-1:0] spike_addr_q;
  always_ff @(posedge clk_i) spike_addr_q <= WA'({chunk_q, penc_idx});

  // Weight memory: one row per (input channel, tap), all output channels of a pass.
  logic [WWIDTH-1:0] weight_mem [WDEPTH];
  logic [WWIDTH-1:0] wrow_q;
  always_ff @(posedge clk_i) begin
    if (load_i && !load_addr_i[31]) weight_mem[load_addr_i[WA-1:0]] <= load_data_i;
    wrow_q <= weight_mem[spike_addr_q];
  end

  // Neuron-core lanes.
  logic [N-1:0]  lane_spike;
  logic [AA-1:0] acc_addr_q;
  logic [MA-1:0] mem_addr_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_addr_q <= '0;
      mem_addr_q <= '0;
    end else if (run_i) begin
      acc_addr_q <= acc_addr_q + AA'(spike_addr_q) + 1'b1;
      mem_addr_q <= mem_addr_q + 1'b1;
    end
  end
  // A row holds WWIDTH / WBITS weights; with fewer lanes, passes select their word group.
  localparam int GROUPS = (N * WBITS < WWIDTH) ? WWIDTH / (N * WBITS) : 1;
  localparam int GA = $clog2(GROUPS > 1 ? GROUPS : 2);
  logic [GA-1:0] group_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) group_q <= '0;
    else if (run_i) group_q <= (group_q == GA'(GROUPS - 1)) ? '0 : group_q + 1'b1;
  end
  // Waiver: the lanes read N * WBITS of the row; the rest belongs to other passes.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [WWIDTH-1:0] wsel;
  /* verilator lint_on UNUSEDSIGNAL */
  assign wsel = wrow_q >> (group_q * N * WBITS);
  for (genvar k = 0; k < N; k++) begin : g_lane
    localparam int WOFF = (k * WBITS) % WWIDTH;
    logic signed [ACC-1:0] acc_mem [ADEPTH];
    logic signed [MEM-1:0] mem_mem [MDEPTH];
    logic signed [ACC-1:0] acc_q, acc_sum;
    logic signed [MEM-1:0] mem_q;
    logic signed [WBITS-1:0] w;
    logic signed [ACC:0] wide;
    logic [AA-1:0] acc_wa_q;
    assign w = wsel[WOFF +: WBITS];
    always_ff @(posedge clk_i) begin
      acc_q <= acc_mem[acc_addr_q];
      mem_q <= mem_mem[mem_addr_q];
      acc_wa_q <= acc_addr_q;
    end
    // Saturating accumulate.
    always_comb begin
      wide = {acc_q[ACC-1], acc_q} + (ACC+1)'(w);
      if (wide[ACC] != wide[ACC-1]) acc_sum = wide[ACC] ? {1'b1, {(ACC-1){1'b0}}} : {1'b0, {(ACC-1){1'b1}}};
      else acc_sum = wide[ACC-1:0];
    end
    always_ff @(posedge clk_i) begin
      if (activate_i) acc_mem[acc_wa_q] <= '0;
      else acc_mem[acc_wa_q] <= acc_sum;
    end
    // Activation: leak (gain multiply), integrate, threshold, reset.
    logic signed [MEM+16:0] leak;
    logic signed [MEM-1:0]  m_next;
    logic                   spike_q;
    assign leak = mem_q * $signed({1'b0, gain_i});
    assign m_next = MEM'(leak >>> 15) + MEM'(acc_q);
    always_ff @(posedge clk_i) begin
      if (activate_i) mem_mem[mem_addr_q] <= (m_next > $signed(MEM'(thr_i))) ? '0 : m_next;
      spike_q <= activate_i && (m_next > $signed(MEM'(thr_i)));
    end
    assign lane_spike[k] = spike_q;
  end

  // Router FIFO of address events (lowest spiking lane first).
  logic [EBITS-1:0] fifo [FDEPTH];
  logic [FA:0] wr_q, rd_q;
  logic [$clog2(N > 1 ? N : 2)-1:0] lane_idx;
  always_comb begin
    lane_idx = '0;
    for (int i = N - 1; i >= 0; i--)
      if (lane_spike[i]) lane_idx = i[$clog2(N > 1 ? N : 2)-1:0];
  end
  logic push, pop, full, empty;
  assign empty = wr_q == rd_q;
  assign full  = (wr_q[FA-1:0] == rd_q[FA-1:0]) && (wr_q[FA] != rd_q[FA]);
  assign push  = |lane_spike && !full;
  assign pop   = ev_ready_i && !empty;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_q <= '0;
      rd_q <= '0;
    end else begin
      if (push) wr_q <= wr_q + 1'b1;
      if (pop) rd_q <= rd_q + 1'b1;
    end
  end
  always_ff @(posedge clk_i) if (push) fifo[wr_q[FA-1:0]] <= EBITS'({mem_addr_q, lane_idx});
  assign ev_valid_o = !empty && chunk_valid_q;
  assign ev_data_o  = fifo[rd_q[FA-1:0]];
endmodule
