// Lint and synthesis check of the fixed-configuration variant (docs/rtl.md §1), not a design
// file: engine A (conv 2->12 channels, input 34x34, kernel 5, pad 0, stride 1, current pool
// 2, 4 lanes, 3 passes, 8 steps) -> spike link (max-pool 2, 15x15 -> 7x7) -> engine B (linear
// 588 -> 10, 4 lanes), every configuration word fixed, memories sized exactly (no power of
// two). scripts/rtl-lint lints it as a top; scripts/rtl-fixed-check synthesizes it with Yosys
// and fails on any $div or $mod cell.
module snn_fixed_lint_top (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         load_valid_i,
  input  logic [2:0]   load_target_i,
  input  logic [2:0]   load_lane_i,
  input  logic [31:0]  load_addr_i,
  input  logic [31:0]  load_data_i,
  input  logic         start_i,
  output logic         busy_o,
  output logic [2:0]   out_count_o,
  output logic [4*32-1:0] out_data_o
);
  localparam logic [34*32-1:0] CfgA = {
    32'd2,  // 33 its stride
    32'd2,  // 32 current-pool kernel
    32'd2,  // 31 spike slots
    32'd50,  // 30 weight rows
    32'd1,  // 29 fetch cycles last
    32'd1,  // 28 fetch cycles full
    32'd256,  // 27 reset amount
    32'd256,  // 26 threshold
    32'd200,  // 25 decay
    32'd0,  // 24 reset_delay
    32'd1,  // 23 reset kind
    32'd8,  // 22 frac_bits
    32'd16,  // 21 mem_bits
    32'd16,  // 20 acc_bits
    32'd4,  // 19 router rate B
    32'd16,  // 18 FIFO depth D
    32'd2,  // 17 L_m
    32'd1,  // 16 L_w
    32'd1,  // 15 L_spk
    32'd8,  // 14 steps T
    32'd37,  // 13 chunks per frame
    32'd2,  // 12 frames per step
    32'd3,  // 11 passes P
    32'd4,  // 10 neuron cores N
    32'd12,  // 9 out channels
    32'd15,  // 8 out W
    32'd15,  // 7 out H
    32'd30,  // 6 full W
    32'd30,  // 5 full H
    32'd1,  // 4 stride
    32'd0,  // 3 padding
    32'd5,  // 2 kernel K
    32'd34,  // 1 input W
    32'd1   // 0 conv
  };
  localparam logic [34*32-1:0] CfgB = {
    32'd0,  // 33 its stride
    32'd0,  // 32 current-pool kernel
    32'd2,  // 31 spike slots
    32'd588,  // 30 weight rows
    32'd1,  // 29 fetch cycles last
    32'd1,  // 28 fetch cycles full
    32'd256,  // 27 reset amount
    32'd256,  // 26 threshold
    32'd200,  // 25 decay
    32'd0,  // 24 reset_delay
    32'd1,  // 23 reset kind
    32'd8,  // 22 frac_bits
    32'd16,  // 21 mem_bits
    32'd16,  // 20 acc_bits
    32'd4,  // 19 router rate B
    32'd16,  // 18 FIFO depth D
    32'd2,  // 17 L_m
    32'd1,  // 16 L_w
    32'd1,  // 15 L_spk
    32'd8,  // 14 steps T
    32'd19,  // 13 chunks per frame
    32'd1,  // 12 frames per step
    32'd3,  // 11 passes P
    32'd4,  // 10 neuron cores N
    32'd10,  // 9 out channels
    32'd1,  // 8 out W
    32'd1,  // 7 out H
    32'd1,  // 6 full W
    32'd1,  // 5 full H
    32'd1,  // 4 stride
    32'd0,  // 3 padding
    32'd1,  // 2 kernel K
    32'd588,  // 1 input W
    32'd0   // 0 conv
  };
  localparam logic [9*16-1:0] CfgLink = {
    16'd2,  // 8 consumer slots
    16'd19,  // 7 consumer chunks
    16'd1,  // 6 consumer frames
    16'd1,  // 5 flatten
    16'd7,  // 4 pooled W
    16'd7,  // 3 pooled H
    16'd2,  // 2 pool kernel
    16'd8,  // 1 steps T
    16'd1   // 0 pipelined
  };
  localparam int unsigned ChunkW = 32, Lanes = 4, MaxRate = 4, MaxLatency = 2;
  localparam int unsigned SpikeWordsA = 148;    // slots * frames * chunks
  localparam int unsigned SpikeWordsB = 38;

  logic [2:0]         dep_count;
  logic [4*32-1:0]    dep_data;
  logic               next_valid, step_done_a, step_done_b, busy_a, busy_b;
  logic [7:0]         next_step, out_free_a, in_ready_b;
  logic [3:0]         set_valid;
  logic [4*6-1:0]     set_addr;
  logic [4*5-1:0]     set_bit;

  // Waiver (PINCONNECTEMPTY): observation outputs are not needed here.
  /* verilator lint_off PINCONNECTEMPTY */
  snn_layer_engine #(
    .ChunkW (ChunkW), .SpikeWords (SpikeWordsA), .MaxLatency (MaxLatency), .Lanes (Lanes),
    .WeightWords (150), .AccWords (2700), .MemWords (675), .ChanWords (3), .MaxFrame (1156),
    .FifoDepth (16), .MaxRate (MaxRate), .SetPorts (0), .Fixed (1'b1), .FixedCfg (CfgA)
  ) u_engine_a (
    .clk_i, .rst_ni,
    .load_valid_i (load_valid_i && !load_target_i[2]), .load_target_i, .load_lane_i, .load_addr_i,
    .load_data_i, .start_i,
    .set_valid_i (1'b0), .set_addr_i (8'd0), .set_bit_i (5'd0),
    .in_steps_ready_i (8'hFF), .out_steps_free_i (out_free_a),
    .busy_o (busy_a), .step_done_o (step_done_a), .step_o (),
    .out_count_o (dep_count), .out_data_o (dep_data), .next_valid_o (next_valid), .next_step_o (next_step),
    .push_count_o (), .push_data_o (), .wb_valid_o (), .wb_lanes_o (), .wb_spikes_o (), .wb_mem_o (),
    .wb_pass_o (), .wb_pos_o ()
  );
  snn_spike_link #(
    .ChunkW (ChunkW), .SpikeWords (SpikeWordsB), .MaxRate (MaxRate), .Fixed (1'b1), .FixedCfg (CfgLink)
  ) u_link (
    .clk_i, .rst_ni, .cfg_we_i (1'b0), .cfg_addr_i (4'd0), .cfg_data_i (16'd0), .start_i,
    .prod_count_i (dep_count), .prod_data_i (dep_data), .prod_next_valid_i (next_valid),
    .prod_next_step_i (next_step), .prod_step_done_i (step_done_a), .prod_out_steps_free_o (out_free_a),
    .cons_step_done_i (step_done_b), .cons_in_steps_ready_o (in_ready_b),
    .set_valid_o (set_valid), .set_addr_o (set_addr), .set_bit_o (set_bit)
  );
  snn_layer_engine #(
    .ChunkW (ChunkW), .SpikeWords (SpikeWordsB), .MaxLatency (MaxLatency), .Lanes (Lanes),
    .WeightWords (1764), .AccWords (3), .MemWords (3), .ChanWords (3), .MaxFrame (588),
    .FifoDepth (16), .MaxRate (MaxRate), .SetPorts (MaxRate), .Fixed (1'b1), .FixedCfg (CfgB)
  ) u_engine_b (
    .clk_i, .rst_ni,
    .load_valid_i (load_valid_i && load_target_i[2]), .load_target_i ({1'b0, load_target_i[1:0]}),
    .load_lane_i, .load_addr_i, .load_data_i, .start_i,
    .set_valid_i (set_valid), .set_addr_i (set_addr), .set_bit_i (set_bit),
    .in_steps_ready_i (in_ready_b), .out_steps_free_i (8'hFF),
    .busy_o (busy_b), .step_done_o (step_done_b), .step_o (),
    .out_count_o, .out_data_o, .next_valid_o (), .next_step_o (),
    .push_count_o (), .push_data_o (), .wb_valid_o (), .wb_lanes_o (), .wb_spikes_o (), .wb_mem_o (),
    .wb_pass_o (), .wb_pos_o ()
  );
  /* verilator lint_on PINCONNECTEMPTY */
  assign busy_o = busy_a || busy_b;
endmodule
