// Emission of a layer engine (docs/rtl.md §2): the spikes of the activation slot at the
// emission stage enter the router in lane order, as many as it has space for (a prefix);
// if not all fit, the whole core array freezes and the rest is offered again next cycle.
// Packets are {step[7:0], channel[ChanW-1:0], y[CoordW-1:0], x[CoordW-1:0]}, channel =
// pass * lanes + lane.
module snn_engine_emit #(
  parameter int unsigned Lanes     = 4,
  parameter int unsigned FifoDepth = 16,
  parameter int unsigned MaxRate   = 4,
  parameter int unsigned ChanW     = 8,
  parameter int unsigned CoordW    = 8,
  localparam int unsigned LaneW    = $clog2(Lanes + 1),
  localparam int unsigned PktW     = 8 + ChanW + 2 * CoordW
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic [LaneW-1:0]             cfg_lanes_i,
  // Waiver: the fields are wider than the router's ranges; their top bits are zero.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [15:0]                  cfg_depth_i,
  input  logic [7:0]                   cfg_rate_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic                         emit_valid_i,   // a slot is at the emission stage
  input  logic [Lanes-1:0]             spikes_i,       // its lanes that spike
  input  logic [7:0]                   step_i,
  input  logic [15:0]                  pass_i,
  input  logic [CoordW-1:0]            y_i,
  input  logic [CoordW-1:0]            x_i,
  output logic                         freeze_o,       // not all offered spikes entered
  output logic                         pend_valid_o,   // the slot's spikes are being re-offered
  output logic [LaneW-1:0]             push_count_o,
  output logic [Lanes*PktW-1:0]        push_data_o,
  output logic [$clog2(MaxRate+1)-1:0] out_count_o,
  output logic [MaxRate*PktW-1:0]      out_data_o,
  output logic                         next_valid_o,
  output logic [7:0]                   next_step_o
);
  logic             pend_valid_q, pend_valid_d;
  logic [Lanes-1:0] pend_q, pend_d;
  logic [Lanes-1:0] offer, pushed;
  logic [$clog2(FifoDepth+1)-1:0] space;
  logic [LaneW-1:0] n_offer, n_push;

  assign offer = !emit_valid_i ? '0 : (pend_valid_q ? pend_q : spikes_i);
  always_comb begin
    int unsigned j;
    n_offer = '0;
    for (int k = 0; k < Lanes; k++) n_offer = n_offer + LaneW'(offer[k]);
    n_push = 32'(n_offer) <= 32'(space) ? n_offer : LaneW'(space);
    push_data_o = '0;
    pushed      = '0;
    j = 0;
    for (int k = 0; k < Lanes; k++) begin
      if (offer[k] && j < 32'(n_push)) begin
        push_data_o[j*PktW +: PktW] = {step_i, ChanW'(32'(pass_i) * 32'(cfg_lanes_i) + 32'(k)), y_i, x_i};
        pushed[k] = 1'b1;
        j = j + 1;
      end
    end
  end
  assign freeze_o     = n_push != n_offer;
  assign push_count_o = n_push;
  assign pend_valid_o = pend_valid_q;

  // Remember what is left while the router is full.
  assign pend_valid_d = freeze_o;
  assign pend_d       = freeze_o ? offer & ~pushed : '0;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pend_valid_q <= 1'b0;
      pend_q       <= '0;
    end else begin
      pend_valid_q <= pend_valid_d;
      pend_q       <= pend_d;
    end
  end

  // Waiver: only the step of the oldest queued packet leaves the engine.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [PktW-1:0] router_next;
  /* verilator lint_on UNUSEDSIGNAL */
  snn_spike_router #(
    .DataW    (PktW),
    .MaxDepth (FifoDepth),
    .MaxLanes (Lanes),
    .MaxRate  (MaxRate)
  ) u_router (
    .clk_i,
    .rst_ni,
    .depth_i     (($clog2(FifoDepth+1))'(cfg_depth_i)),
    .rate_i      (($clog2(MaxRate+1))'(cfg_rate_i)),
    .space_o     (space),
    .in_count_i  (n_push),
    .in_data_i   (push_data_o),
    .out_count_o,
    .out_data_o,
    // Waiver (PINCONNECTEMPTY): occupancy is for observation only.
    /* verilator lint_off PINCONNECTEMPTY */
    .occupancy_o (),
    /* verilator lint_on PINCONNECTEMPTY */
    .next_valid_o,
    .next_data_o (router_next)
  );
  assign next_step_o = router_next[PktW-1 -: 8];
endmodule
