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
// Configuration registers (cfg_addr_i): 0 pipelined, 1 steps T, 2 pool kernel k (0 or 1:
// none), 3/4 pooled height/width (a window must fit: y/k < height), 5 flatten, 6 consumer
// frames, 7 consumer chunks per frame, 8 consumer slots.
module snn_spike_link #(
  parameter int unsigned ChunkW     = 32,
  parameter int unsigned SpikeWords = 4096,
  parameter int unsigned MaxRate    = 4
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  input  logic                               cfg_we_i,
  input  logic [3:0]                         cfg_addr_i,
  input  logic [15:0]                        cfg_data_i,
  input  logic                               start_i,
  // producer
  input  logic [$clog2(MaxRate+1)-1:0]       prod_count_i,
  input  logic [MaxRate*32-1:0]              prod_data_i,
  input  logic                               prod_next_valid_i,
  input  logic [7:0]                         prod_next_step_i,
  input  logic                               prod_step_done_i,
  output logic [7:0]                         prod_out_steps_free_o,
  // consumer
  input  logic                               cons_step_done_i,
  output logic [7:0]                         cons_in_steps_ready_o,
  output logic [MaxRate-1:0]                 set_valid_o,
  output logic [MaxRate*$clog2(SpikeWords)-1:0] set_addr_o,
  output logic [MaxRate*$clog2(ChunkW)-1:0]  set_bit_o
);
  localparam int unsigned AW = $clog2(SpikeWords);
  localparam int unsigned BW = $clog2(ChunkW);
  localparam int unsigned NumCfg = 9;

  logic [15:0] cfg_q [NumCfg];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < NumCfg; i++) cfg_q[i] <= '0;
    end else if (cfg_we_i && 32'(cfg_addr_i) < NumCfg) begin
      cfg_q[cfg_addr_i] <= cfg_data_i;
    end
  end

  logic        cfg_pipelined, cfg_flatten;
  logic [7:0]  cfg_steps, cfg_pool_k;
  logic [15:0] cfg_pool_h, cfg_pool_w, cfg_frames, cfg_chunks, cfg_slots;
  // Waiver: registers are 16 bits wide; flags and byte fields use their low bits.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [15:0] cfg0, cfg1, cfg2, cfg5;
  /* verilator lint_on UNUSEDSIGNAL */
  assign cfg0          = cfg_q[0];
  assign cfg1          = cfg_q[1];
  assign cfg2          = cfg_q[2];
  assign cfg5          = cfg_q[5];
  assign cfg_pipelined = cfg0[0];
  assign cfg_steps     = cfg1[7:0];
  assign cfg_pool_k    = cfg2[7:0] == 8'd0 ? 8'd1 : cfg2[7:0];
  assign cfg_pool_h    = cfg_q[3];
  assign cfg_pool_w    = cfg_q[4];
  assign cfg_flatten   = cfg5[0];
  assign cfg_frames    = cfg_q[6];
  assign cfg_chunks    = cfg_q[7];
  assign cfg_slots     = cfg_q[8] == 16'd0 ? 16'd1 : cfg_q[8];

  // ---------------------------------------------------------------- handshakes
  logic [7:0] prod_done_q, cons_done_q, prod_done, cons_done, delivered, free_pipe;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      prod_done_q <= '0;
      cons_done_q <= '0;
    end else if (start_i) begin
      prod_done_q <= '0;
      cons_done_q <= '0;
    end else begin
      prod_done_q <= prod_done_q + 8'(prod_step_done_i);
      cons_done_q <= cons_done_q + 8'(cons_step_done_i);
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
  always_comb begin
    set_valid_o = '0;
    set_addr_o  = '0;
    set_bit_o   = '0;
    for (int unsigned j = 0; j < MaxRate; j++) begin
      logic [31:0] pkt, py, px, frame, pos, slot;
      // Waiver: 32-bit arithmetic; the word address fits the spike memory by construction.
      /* verilator lint_off UNUSEDSIGNAL */
      logic [31:0] word;
      /* verilator lint_on UNUSEDSIGNAL */
      pkt   = prod_data_i[j*32 +: 32];
      py    = 32'(pkt[15:8]) / 32'(cfg_pool_k);
      px    = 32'(pkt[7:0]) / 32'(cfg_pool_k);
      frame = cfg_flatten ? 32'd0 : 32'(pkt[23:16]);
      pos   = cfg_flatten ? (32'(pkt[23:16]) * 32'(cfg_pool_h) + py) * 32'(cfg_pool_w) + px
                          : py * 32'(cfg_pool_w) + px;
      slot  = 32'(pkt[31:24]) % 32'(cfg_slots);
      word  = (slot * 32'(cfg_frames) + frame) * 32'(cfg_chunks) + pos / ChunkW;
      set_valid_o[j]          = j < 32'(prod_count_i) && py < 32'(cfg_pool_h) && px < 32'(cfg_pool_w);
      set_addr_o[j*AW +: AW]  = AW'(word);
      set_bit_o[j*BW +: BW]   = BW'(pos % ChunkW);
    end
  end
endmodule
