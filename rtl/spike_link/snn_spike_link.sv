// Spike link between two layer engines of the accelerator top (docs/rtl.md §2, hardware.md
// §3.4-3.5). Every packet {step, channel, y, x} leaving the producer's router is mapped
// through the layers between the two engines (a spike max-pool whose kernel equals its
// stride, then optionally flatten when the consumer is linear) to one bit of the
// consumer's spike memory, slot = step mod slots, and set there in its departure cycle.
// The link also makes both step handshakes the TLM uses:
//   consumer in_steps_ready: step t is delivered from the cycle max(end of the producer's
//     activation of t, departure of the last packet of a step <= t); layer-sequential mode
//     releases all steps at once when the last one is delivered;
//   producer out_steps_free (time-step pipelined): step t may be activated once the consumer
//     finished step t - 2 (two slots); layer-sequential mode: every step.
// Configuration registers (cfg_addr_i): 0 pipelined, 1 steps T, 2 pool kernel k in [7:0]
// (0 or 1: none) and its stride s in [15:8] (0: s = k), 3/4 pooled height/width (a window
// must fit: y/s < height), 5 flatten, 6 consumer frames, 7 consumer chunks per frame, 8
// consumer slots. With s < k the windows overlap and a spike lies in up to MaxWin x MaxWin
// of them (MaxWin >= ceil(k/s)): every one gets the spike, one bit-set port each. With Fixed = 1 they are the constants
// FixedCfg (register i at [i*16 +: 16]): no registers, and the divisions by the pool kernel and
// the slots are by constants, without a divider.
module snn_spike_link #(
  parameter int unsigned ChunkW     = 32,
  parameter int unsigned SpikeWords = 4096,
  parameter int unsigned MaxRate    = 4,
  // Pooling windows per spike and axis: 1 when windows do not overlap (stride = kernel).
  parameter int unsigned MaxWin     = 1,
  parameter bit                Fixed    = 1'b0,
  parameter logic [9*16-1:0]   FixedCfg = '0,
  // producer packet {step[7:0], channel[ChanW-1:0], y[CoordW-1:0], x[CoordW-1:0]}
  parameter int unsigned ChanW      = 8,
  parameter int unsigned CoordW     = 8,
  localparam int unsigned PktW      = 8 + ChanW + 2 * CoordW,
  localparam int unsigned Sets      = MaxRate * MaxWin * MaxWin   // bit-set ports
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  input  logic                               cfg_we_i,
  input  logic [3:0]                         cfg_addr_i,
  input  logic [15:0]                        cfg_data_i,
  input  logic                               start_i,
  // Time steps of the sample: a Fixed link's one run-time setting (register 1 otherwise).
  // Waiver: unused with Fixed = 0.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [7:0]                         steps_i,
  /* verilator lint_on UNUSEDSIGNAL */
  // producer
  input  logic [$clog2(MaxRate+1)-1:0]       prod_count_i,
  input  logic [MaxRate*PktW-1:0]            prod_data_i,
  input  logic                               prod_next_valid_i,
  input  logic [7:0]                         prod_next_step_i,
  input  logic                               prod_step_done_i,
  output logic [7:0]                         prod_out_steps_free_o,
  // consumer
  input  logic                               cons_step_done_i,
  output logic [7:0]                         cons_in_steps_ready_o,
  output logic [Sets-1:0]                    set_valid_o,
  output logic [Sets*$clog2(SpikeWords)-1:0] set_addr_o,
  output logic [Sets*$clog2(ChunkW)-1:0]     set_bit_o
);
  localparam int unsigned AW = $clog2(SpikeWords);
  localparam int unsigned BW = $clog2(ChunkW);
  localparam int unsigned NumCfg = 9;

  // Waiver: registers are 16 bits wide; flags and byte fields use their low bits.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [NumCfg*16-1:0] cfg;
  /* verilator lint_on UNUSEDSIGNAL */
  snn_cfg_regs #(
    .NumRegs  (NumCfg),
    .RegW     (16),
    .AddrW    (4),
    .Fixed    (Fixed),
    .FixedCfg (FixedCfg)
  ) u_cfg (
    .clk_i,
    .rst_ni,
    .we_i   (cfg_we_i),
    .addr_i (cfg_addr_i),
    .data_i (cfg_data_i),
    .cfg_o  (cfg)
  );

  logic        cfg_pipelined, cfg_flatten;
  logic [7:0]  cfg_steps;
  logic [15:0] cfg_pool_h, cfg_pool_w, cfg_frames, cfg_chunks;
  // Waiver: with Fixed = 1 the divisions use the constants instead.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [7:0]  cfg_pool_k, cfg_pool_s;
  logic [15:0] cfg_slots;
  /* verilator lint_on UNUSEDSIGNAL */
  assign cfg_pipelined = cfg[0*16];
  assign cfg_steps     = Fixed ? steps_i : cfg[1*16 +: 8];
  assign cfg_pool_k    = cfg[2*16 +: 8] == 8'd0 ? 8'd1 : cfg[2*16 +: 8];
  assign cfg_pool_s    = cfg[2*16 + 8 +: 8] == 8'd0 ? cfg_pool_k : cfg[2*16 + 8 +: 8];
  assign cfg_pool_h    = cfg[3*16 +: 16];
  assign cfg_pool_w    = cfg[4*16 +: 16];
  assign cfg_flatten   = cfg[5*16];
  assign cfg_frames    = cfg[6*16 +: 16];
  assign cfg_chunks    = cfg[7*16 +: 16];
  assign cfg_slots     = cfg[8*16 +: 16] == 16'd0 ? 16'd1 : cfg[8*16 +: 16];

  // ---------------------------------------------------------------- handshakes
  logic [7:0] prod_done_q, prod_done_d, cons_done_q, cons_done_d, prod_done, cons_done, delivered, free_pipe;
  assign prod_done_d = start_i ? 8'd0 : prod_done_q + 8'(prod_step_done_i);
  assign cons_done_d = start_i ? 8'd0 : cons_done_q + 8'(cons_step_done_i);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      prod_done_q <= '0;
      cons_done_q <= '0;
    end else begin
      prod_done_q <= prod_done_d;
      cons_done_q <= cons_done_d;
    end
  end
  // The counters of the previous sample are not yet cleared in the start cycle.
  assign prod_done = start_i ? 8'd0 : prod_done_q;
  assign cons_done = start_i ? 8'd0 : cons_done_q;
  // Router packets are in step order: the oldest one still queued bounds the delivered steps.
  assign delivered = prod_next_valid_i && prod_next_step_i < prod_done ? prod_next_step_i : prod_done;
  assign free_pipe = 9'(cons_done) + 9'd2 < 9'(cfg_steps) ? cons_done + 8'd2 : cfg_steps;
  assign cons_in_steps_ready_o = cfg_pipelined ? delivered : (delivered == cfg_steps ? cfg_steps : 8'd0);
  assign prod_out_steps_free_o = cfg_pipelined ? free_pipe : cfg_steps;

  // ---------------------------------------------------------------- address mapping
  // Per departure j: the last window holding it, (py, px) = (y/s, x/s), and slot = step mod
  // slots; by constants with Fixed = 1 (snn_div_const), at run time otherwise.
  logic [MaxRate*CoordW-1:0] py, px;
  logic [MaxRate*8-1:0]      slot;
  for (genvar j = 0; j < MaxRate; j++) begin : g_div
    // Waiver: the channel is read in the mapping below.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [PktW-1:0] pkt;
    /* verilator lint_on UNUSEDSIGNAL */
    assign pkt = prod_data_i[j*PktW +: PktW];
    if (Fixed) begin : g_const
      localparam int unsigned PoolK = FixedCfg[2*16 +: 8] == 8'd0 ? 1 : 32'(FixedCfg[2*16 +: 8]);
      localparam int unsigned PoolS = FixedCfg[2*16 + 8 +: 8] == 8'd0 ? PoolK : 32'(FixedCfg[2*16 + 8 +: 8]);
      localparam int unsigned Slots = FixedCfg[8*16 +: 16] == 16'd0 ? 1 : 32'(FixedCfg[8*16 +: 16]);
      // Waiver: the remainders of the pooling divisions are not needed.
      /* verilator lint_off UNUSEDSIGNAL */
      logic [CoordW-1:0] ry, rx;
      logic [7:0]        qs;
      /* verilator lint_on UNUSEDSIGNAL */
      snn_div_const #(.N(CoordW), .D(PoolS)) u_py (.a_i(pkt[CoordW +: CoordW]), .q_o(py[j*CoordW +: CoordW]), .r_o(ry));
      snn_div_const #(.N(CoordW), .D(PoolS)) u_px (.a_i(pkt[0 +: CoordW]), .q_o(px[j*CoordW +: CoordW]), .r_o(rx));
      snn_div_const #(.N(8), .D(Slots)) u_slot (.a_i(pkt[PktW-1 -: 8]), .q_o(qs), .r_o(slot[j*8 +: 8]));
    end else begin : g_run
      assign py[j*CoordW +: CoordW] = CoordW'(32'(pkt[CoordW +: CoordW]) / 32'(cfg_pool_s));
      assign px[j*CoordW +: CoordW] = CoordW'(32'(pkt[0 +: CoordW]) / 32'(cfg_pool_s));
      assign slot[j*8 +: 8]         = 8'(32'(pkt[PktW-1 -: 8]) % 32'(cfg_slots));
    end
  end

  // Window (py - dy, px - dx) holds the spike when it starts at or below it and the spike is
  // within its kernel: (py - dy) * s + k > y.
  always_comb begin
    set_valid_o = '0;
    set_addr_o  = '0;
    set_bit_o   = '0;
    for (int unsigned j = 0; j < MaxRate; j++) begin
      for (int unsigned dy = 0; dy < MaxWin; dy++) begin
        for (int unsigned dx = 0; dx < MaxWin; dx++) begin
          logic [31:0] ch, sy, sx, y, x, frame, pos;
          logic        in_win;
          // Waiver: 32-bit arithmetic; the word address fits the spike memory by construction.
          /* verilator lint_off UNUSEDSIGNAL */
          logic [31:0] word;
          /* verilator lint_on UNUSEDSIGNAL */
          int unsigned i;
          i      = (j * MaxWin + dy) * MaxWin + dx;
          ch     = 32'(prod_data_i[j*PktW + 2*CoordW +: ChanW]);
          sy     = 32'(prod_data_i[j*PktW + CoordW +: CoordW]);
          sx     = 32'(prod_data_i[j*PktW +: CoordW]);
          y      = 32'(py[j*CoordW +: CoordW]) - dy;
          x      = 32'(px[j*CoordW +: CoordW]) - dx;
          in_win = 32'(py[j*CoordW +: CoordW]) >= dy && 32'(px[j*CoordW +: CoordW]) >= dx &&
                   y * 32'(cfg_pool_s) + 32'(cfg_pool_k) > sy && x * 32'(cfg_pool_s) + 32'(cfg_pool_k) > sx;
          frame  = cfg_flatten ? 32'd0 : ch;
          pos    = cfg_flatten ? (ch * 32'(cfg_pool_h) + y) * 32'(cfg_pool_w) + x : y * 32'(cfg_pool_w) + x;
          word   = (32'(slot[j*8 +: 8]) * 32'(cfg_frames) + frame) * 32'(cfg_chunks) + (pos >> BW);
          set_valid_o[i]         = j < 32'(prod_count_i) && in_win && y < 32'(cfg_pool_h) && x < 32'(cfg_pool_w);
          set_addr_o[i*AW +: AW] = AW'(word);
          set_bit_o[i*BW +: BW]  = BW'(pos);
        end
      end
    end
  end
endmodule
