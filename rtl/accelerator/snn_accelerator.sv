// Accelerator top (docs/rtl.md §2, hardware.md §1): NumEngines layer engines in a chain, a
// spike link between each pair (router departures -> max-pool/flatten -> bit-sets in the
// next engine's spike memory, plus both step handshakes). The only stimulus is the load
// port (engine select; targets 0-6 as the engine's load port, 7 the registers of the link
// behind the selected engine) and start_i; the last engine's router departures leave as the
// output spike stream. Per-engine observation ports (concatenated, engine e at slice e)
// let a scoreboard see router entries and departures, membrane write-backs, step ends and
// the handshakes the links made.
module snn_accelerator #(
  parameter int unsigned NumEngines  = 3,
  parameter int unsigned ChunkW      = snn_engine_pkg::ChunkW,
  parameter int unsigned SpikeWords  = snn_engine_pkg::SpikeWords,
  parameter int unsigned MaxLatency  = snn_engine_pkg::MaxLatency,
  parameter int unsigned Lanes       = snn_engine_pkg::Lanes,
  parameter int unsigned WeightWords = snn_engine_pkg::WeightWords,
  parameter int unsigned AccWords    = snn_engine_pkg::AccWords,
  parameter int unsigned MemWords    = snn_engine_pkg::MemWords,
  parameter int unsigned ChanWords   = snn_engine_pkg::ChanWords,
  parameter int unsigned MaxFrame    = snn_engine_pkg::MaxFrame,
  parameter int unsigned FifoDepth   = snn_engine_pkg::FifoDepth,
  parameter int unsigned MaxRate     = snn_engine_pkg::MaxRate,
  // router packet {step[7:0], channel[ChanW-1:0], y[CoordW-1:0], x[CoordW-1:0]}
  parameter int unsigned ChanW       = 8,
  parameter int unsigned CoordW      = 8,
  localparam int unsigned PktW       = 8 + ChanW + 2 * CoordW
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  // load port
  input  logic                                  load_valid_i,
  input  logic [$clog2(NumEngines)-1:0]         load_engine_i,
  input  logic [2:0]                            load_target_i,   // 7: link registers
  input  logic [$clog2(Lanes+1)-1:0]            load_lane_i,
  input  logic [31:0]                           load_addr_i,
  input  logic [31:0]                           load_data_i,
  // sample control
  input  logic                                  start_i,
  output logic                                  busy_o,
  // output spike stream: the last engine's router departures, {step, channel, y, x}
  output logic [$clog2(MaxRate+1)-1:0]          out_count_o,
  output logic [MaxRate*PktW-1:0]               out_data_o,
  // observation, engine e at slice e
  output logic [NumEngines*8-1:0]               obs_in_ready_o,
  output logic [NumEngines*8-1:0]               obs_out_free_o,
  output logic [NumEngines-1:0]                 obs_busy_o,
  output logic [NumEngines-1:0]                 obs_step_done_o,
  output logic [NumEngines*$clog2(MaxRate+1)-1:0] obs_out_count_o,
  output logic [NumEngines*MaxRate*PktW-1:0]    obs_out_data_o,
  output logic [NumEngines*$clog2(Lanes+1)-1:0] obs_push_count_o,
  output logic [NumEngines*Lanes*PktW-1:0]      obs_push_data_o,
  output logic [NumEngines-1:0]                 obs_wb_valid_o,
  output logic [NumEngines*Lanes-1:0]           obs_wb_lanes_o,
  output logic [NumEngines*Lanes-1:0]           obs_wb_spikes_o,
  output logic [NumEngines*Lanes*32-1:0]        obs_wb_mem_o,
  output logic [NumEngines*16-1:0]              obs_wb_pass_o,
  output logic [NumEngines*16-1:0]              obs_wb_pos_o
);
  localparam int unsigned CntW  = $clog2(MaxRate + 1);
  localparam int unsigned LaneW = $clog2(Lanes + 1);
  localparam int unsigned AW    = $clog2(SpikeWords);
  localparam int unsigned BW    = $clog2(ChunkW);
  localparam logic [2:0] TgtLink = 3'd7;

  logic [7:0]            in_ready  [NumEngines];
  logic [7:0]            out_free  [NumEngines];
  logic                  step_done [NumEngines];
  logic [CntW-1:0]       dep_count [NumEngines];
  logic [MaxRate*PktW-1:0] dep_data [NumEngines];
  logic                  next_valid[NumEngines];
  logic [7:0]            next_step [NumEngines];
  logic [MaxRate-1:0]    set_valid [NumEngines];
  logic [MaxRate*AW-1:0] set_addr  [NumEngines];
  logic [MaxRate*BW-1:0] set_bit   [NumEngines];

  // The first engine's input is preloaded; the last engine writes the output stream.
  assign in_ready[0]             = 8'hFF;
  assign set_valid[0]            = '0;
  assign set_addr[0]             = '0;
  assign set_bit[0]              = '0;
  assign out_free[NumEngines-1]  = 8'hFF;

  for (genvar e = 0; e < NumEngines; e++) begin : g_engine
    logic sel;
    logic step_done_w, busy_w, wb_valid_w, next_valid_w;
    // Waiver: the step under activation is not needed outside the engine.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [7:0] step_w;
    /* verilator lint_on UNUSEDSIGNAL */
    assign sel = load_valid_i && 32'(load_engine_i) == e;
    // The first engine's spike memory is loaded, never linked: keep it a 1R1W RAM.
    localparam int unsigned Sets = e == 0 ? 0 : MaxRate;
    logic [(Sets > 0 ? Sets : 1)-1:0]    eng_set_valid;
    logic [(Sets > 0 ? Sets : 1)*AW-1:0] eng_set_addr;
    logic [(Sets > 0 ? Sets : 1)*BW-1:0] eng_set_bit;
    if (e == 0) begin : g_no_set
      assign eng_set_valid = '0;
      assign eng_set_addr  = '0;
      assign eng_set_bit   = '0;
    end else begin : g_set
      assign eng_set_valid = set_valid[e];
      assign eng_set_addr  = set_addr[e];
      assign eng_set_bit   = set_bit[e];
    end
    snn_layer_engine #(
      .ChunkW      (ChunkW),
      .SpikeWords  (SpikeWords),
      .MaxLatency  (MaxLatency),
      .Lanes       (Lanes),
      .WeightWords (WeightWords),
      .AccWords    (AccWords),
      .MemWords    (MemWords),
      .ChanWords   (ChanWords),
      .MaxFrame    (MaxFrame),
      .FifoDepth   (FifoDepth),
      .MaxRate     (MaxRate),
      .SetPorts    (Sets),
      .ChanW       (ChanW),
      .CoordW      (CoordW)
    ) u_engine (
      .clk_i,
      .rst_ni,
      .load_valid_i     (sel && load_target_i != TgtLink),
      .load_target_i,
      .load_lane_i,
      .load_addr_i,
      .load_data_i,
      .start_i,
      .set_valid_i      (eng_set_valid),
      .set_addr_i       (eng_set_addr),
      .set_bit_i        (eng_set_bit),
      .in_steps_ready_i (in_ready[e]),
      .out_steps_free_i (out_free[e]),
      .busy_o           (busy_w),
      .step_done_o      (step_done_w),
      .step_o           (step_w),
      .out_count_o      (dep_count[e]),
      .out_data_o       (dep_data[e]),
      .next_valid_o     (next_valid_w),
      .next_step_o      (next_step[e]),
      .push_count_o     (obs_push_count_o[e*LaneW +: LaneW]),
      .push_data_o      (obs_push_data_o[e*Lanes*PktW +: Lanes*PktW]),
      .wb_valid_o       (wb_valid_w),
      .wb_lanes_o       (obs_wb_lanes_o[e*Lanes +: Lanes]),
      .wb_spikes_o      (obs_wb_spikes_o[e*Lanes +: Lanes]),
      .wb_mem_o         (obs_wb_mem_o[e*Lanes*32 +: Lanes*32]),
      .wb_pass_o        (obs_wb_pass_o[e*16 +: 16]),
      .wb_pos_o         (obs_wb_pos_o[e*16 +: 16])
    );
    assign step_done[e]              = step_done_w;
    assign next_valid[e]             = next_valid_w;
    assign obs_busy_o[e]             = busy_w;
    assign obs_step_done_o[e]        = step_done_w;
    assign obs_wb_valid_o[e]         = wb_valid_w;
    assign obs_in_ready_o[e*8 +: 8]  = in_ready[e];
    assign obs_out_free_o[e*8 +: 8]  = out_free[e];
    assign obs_out_count_o[e*CntW +: CntW]              = dep_count[e];
    assign obs_out_data_o[e*MaxRate*PktW +: MaxRate*PktW] = dep_data[e];
  end

  for (genvar e = 0; e + 1 < NumEngines; e++) begin : g_link
    snn_spike_link #(
      .ChunkW     (ChunkW),
      .SpikeWords (SpikeWords),
      .MaxRate    (MaxRate),
      .ChanW      (ChanW),
      .CoordW     (CoordW)
    ) u_link (
      .clk_i,
      .rst_ni,
      .cfg_we_i              (load_valid_i && 32'(load_engine_i) == e && load_target_i == TgtLink),
      .cfg_addr_i            (load_addr_i[3:0]),
      .cfg_data_i            (load_data_i[15:0]),
      .start_i,
      .prod_count_i          (dep_count[e]),
      .prod_data_i           (dep_data[e]),
      .prod_next_valid_i     (next_valid[e]),
      .prod_next_step_i      (next_step[e]),
      .prod_step_done_i      (step_done[e]),
      .prod_out_steps_free_o (out_free[e]),
      .cons_step_done_i      (step_done[e+1]),
      .cons_in_steps_ready_o (in_ready[e+1]),
      .set_valid_o           (set_valid[e+1]),
      .set_addr_o            (set_addr[e+1]),
      .set_bit_o             (set_bit[e+1])
    );
  end

  assign out_count_o = dep_count[NumEngines-1];
  assign out_data_o  = dep_data[NumEngines-1];
  assign busy_o      = |obs_busy_o;
endmodule
