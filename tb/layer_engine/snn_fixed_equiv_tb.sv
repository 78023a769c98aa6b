// Equivalence of the fixed-configuration variant (docs/rtl.md §2), a simulation testbench
// (not synthesizable, not a design file): the same stimulus drives a programmable engine
// (Fixed = 0, configuration loaded through the load port) and a fixed one (Fixed = 1,
// FixedCfg = the same words), and a programmable and a fixed spike link fed by the first
// engine's departures; every output is compared in every cycle, over two samples. The
// engines' memories are sized exactly for the layer (not powers of two).
// Cfg 0: conv 2->12, 34x34, K 5, pad 1, stride 2, current pool 2, 5 steps in 2 slots;
// Cfg 1: conv 2->10, stride 3 (reciprocal), 7 steps in 3 slots, link pool 3 + flatten;
// Cfg 2: linear 588->10, 4 steps. Small FIFO and rate, so the cores freeze.
// Run by scripts/rtl-fixed-check (verilator --binary).
module snn_fixed_equiv_tb;
  parameter int Cfg = 0;
  localparam logic [34*32-1:0] EngCfg = Cfg == 0 ? {32'd2, 32'd2, 32'd2, 32'd50, 32'd1, 32'd2, 32'd300, 32'd300, 32'd200, 32'd0, 32'd1, 32'd8, 32'd16, 32'd16, 32'd1, 32'd4, 32'd3, 32'd2, 32'd2, 32'd5, 32'd37, 32'd2, 32'd3, 32'd4, 32'd12, 32'd8, 32'd8, 32'd16, 32'd16, 32'd2, 32'd1, 32'd5, 32'd34, 32'd1} :
                                  Cfg == 1 ? {32'd0, 32'd0, 32'd3, 32'd50, 32'd1, 32'd1, 32'd300, 32'd300, 32'd200, 32'd1, 32'd2, 32'd8, 32'd16, 32'd16, 32'd2, 32'd4, 32'd3, 32'd2, 32'd2, 32'd7, 32'd37, 32'd2, 32'd3, 32'd4, 32'd10, 32'd11, 32'd11, 32'd11, 32'd11, 32'd3, 32'd1, 32'd5, 32'd34, 32'd1} :
                                  {32'd0, 32'd0, 32'd4, 32'd588, 32'd1, 32'd2, 32'd300, 32'd300, 32'd200, 32'd0, 32'd3, 32'd8, 32'd16, 32'd16, 32'd1, 32'd4, 32'd3, 32'd2, 32'd2, 32'd4, 32'd19, 32'd1, 32'd3, 32'd4, 32'd10, 32'd1, 32'd1, 32'd1, 32'd1, 32'd1, 32'd0, 32'd1, 32'd588, 32'd0};
  localparam logic [9*16-1:0] LinkCfg = Cfg == 0 ? {16'd2, 16'd1, 16'd12, 16'd0, 16'd4, 16'd4, 16'd2, 16'd5, 16'd1} :
                                 Cfg == 1 ? {16'd3, 16'd3, 16'd1, 16'd1, 16'd3, 16'd3, 16'd3, 16'd7, 16'd0} :
                                 {16'd4, 16'd1, 16'd1, 16'd1, 16'd1, 16'd1, 16'd0, 16'd4, 16'd1};
  localparam int unsigned Steps  = EngCfg[14*32 +: 8];
  localparam int unsigned Slots  = EngCfg[31*32 +: 16];
  localparam int unsigned Frames = EngCfg[12*32 +: 16];
  localparam int unsigned Chunks = EngCfg[13*32 +: 16];
  localparam int unsigned Passes = EngCfg[11*32 +: 16];
  localparam int unsigned Rows   = EngCfg[30*32 +: 16];
  localparam int unsigned PktW = 32, MaxRate = 4, Lanes = 4;
  // Memories sized exactly for the layer (no power of two), as the generator sizes them; the
  // spike memory keeps the package's 4096 words so a wrong slot base reads loaded words.
  localparam int unsigned FullPos = EngCfg[5*32 +: 16] * EngCfg[6*32 +: 16];
  localparam int unsigned OutPos  = EngCfg[7*32 +: 16] * EngCfg[8*32 +: 16];
  localparam int unsigned InBits  = EngCfg[0] ? EngCfg[1*32 +: 16] * EngCfg[1*32 +: 16] : EngCfg[1*32 +: 16];

  logic clk = 1'b0, rst_n = 1'b0;
  always #5 clk = ~clk;

  logic        load_valid = 1'b0, start = 1'b0, link_we = 1'b0;
  logic [2:0]  load_target = '0, load_lane = '0;
  logic [31:0] load_addr = '0, load_data = '0;
  logic [3:0]  link_addr = '0;
  logic [15:0] link_data = '0;

  typedef struct packed {
    logic busy, step_done; logic [7:0] step; logic [2:0] out_count; logic [MaxRate*PktW-1:0] out_data;
    logic next_valid; logic [7:0] next_step; logic [2:0] push_count; logic [Lanes*PktW-1:0] push_data;
    logic wb_valid; logic [Lanes-1:0] wb_lanes, wb_spikes; logic [Lanes*32-1:0] wb_mem;
    logic [15:0] wb_pass, wb_pos;
  } eng_obs_t;
  eng_obs_t obs [2];
  typedef struct packed {
    logic [7:0] free, ready; logic [MaxRate-1:0] set_valid; logic [MaxRate*12-1:0] set_addr;
    logic [MaxRate*5-1:0] set_bit;
  } link_obs_t;
  link_obs_t lobs [2];

  for (genvar v = 0; v < 2; v++) begin : g_variant
    snn_layer_engine #(
      .WeightWords(Passes * Rows), .AccWords(Passes * FullPos), .MemWords(Passes * OutPos),
      .ChanWords(Passes), .MaxFrame(InBits), .Fixed(v == 1), .FixedCfg(v == 1 ? EngCfg : '0)
    ) u_engine (
      .clk_i(clk), .rst_ni(rst_n), .load_valid_i(load_valid), .load_target_i(load_target),
      .load_lane_i(load_lane), .load_addr_i(load_addr), .load_data_i(load_data), .start_i(start),
      .steps_i(EngCfg[14*32 +: 8]),
      .set_valid_i(1'b0), .set_addr_i('0), .set_bit_i('0), .in_steps_ready_i(8'hFF), .out_steps_free_i(8'hFF),
      .busy_o(obs[v].busy), .step_done_o(obs[v].step_done), .step_o(obs[v].step),
      .out_count_o(obs[v].out_count), .out_data_o(obs[v].out_data), .next_valid_o(obs[v].next_valid),
      .next_step_o(obs[v].next_step), .push_count_o(obs[v].push_count), .push_data_o(obs[v].push_data),
      .wb_valid_o(obs[v].wb_valid), .wb_lanes_o(obs[v].wb_lanes), .wb_spikes_o(obs[v].wb_spikes),
      .wb_mem_o(obs[v].wb_mem), .wb_pass_o(obs[v].wb_pass), .wb_pos_o(obs[v].wb_pos));
    snn_spike_link #(.Fixed(v == 1), .FixedCfg(v == 1 ? LinkCfg : '0)) u_link (
      .clk_i(clk), .rst_ni(rst_n), .cfg_we_i(link_we), .cfg_addr_i(link_addr), .cfg_data_i(link_data),
      .start_i(start), .steps_i(LinkCfg[16 +: 8]), .prod_count_i(obs[0].out_count), .prod_data_i(obs[0].out_data),
      .prod_next_valid_i(obs[0].next_valid), .prod_next_step_i(obs[0].next_step),
      .prod_step_done_i(obs[0].step_done), .prod_out_steps_free_o(lobs[v].free),
      .cons_step_done_i(obs[0].step_done), .cons_in_steps_ready_o(lobs[v].ready),
      .set_valid_o(lobs[v].set_valid), .set_addr_o(lobs[v].set_addr), .set_bit_o(lobs[v].set_bit));
  end

  task automatic load(input logic [2:0] target, input logic [2:0] lane, input int unsigned addr,
                      input logic [31:0] data);
    @(negedge clk);
    load_valid = 1'b1; load_target = target; load_lane = lane; load_addr = addr; load_data = data;
    @(negedge clk);
    load_valid = 1'b0;
  endtask

  // Compared once the programmable variants hold their configuration.
  logic checking = 1'b0;
  int unsigned mismatches = 0, cycles = 0, pushes = 0, sets = 0, wbs = 0;
  always @(negedge clk) begin
    if (checking) begin
      cycles++;
      if (obs[0] != obs[1]) begin
        mismatches++;
        if (mismatches <= 5) $display("cycle %0d: engine outputs differ: prog %h fixed %h", cycles, obs[0], obs[1]);
      end
      if (lobs[0] != lobs[1]) begin
        mismatches++;
        if (mismatches <= 5) $display("cycle %0d: link outputs differ: prog %h fixed %h", cycles, lobs[0], lobs[1]);
      end
      pushes += 32'(obs[0].push_count);
      wbs    += 32'(obs[0].wb_valid);
      sets   += 32'($countones(lobs[0].set_valid));
    end
  end

  initial begin
    void'($urandom(32'd12345 + 32'(Cfg)));
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    for (int i = 0; i < 34; i++) load(3'd0, 3'd0, i, EngCfg[i*32 +: 32]);
    for (int i = 0; i < 9; i++) begin
      @(negedge clk);
      link_we = 1'b1; link_addr = 4'(i); link_data = LinkCfg[i*16 +: 16];
      @(negedge clk);
      link_we = 1'b0;
    end
    checking = 1'b1;
    for (int k = 0; k < 4; k++) begin
      for (int p = 0; p < Passes; p++) begin
        load(3'd3, 3'(k), p, 32'd256);                      // gain 1.0 (Q.8)
        load(3'd4, 3'(k), p, 32'($urandom_range(0, 40)));   // bias
      end
      for (int w = 0; w < Passes * Rows; w++) load(3'd2, 3'(k), w, 32'($urandom_range(0, 150)) - 32'd50);
    end
    for (int sample = 0; sample < 2; sample++) begin
      // every word, also beyond the slots: a wrong slot or base reads data, not cleared words
      for (int w = 0; w < 4096; w++) load(3'd1, 3'd0, w, $urandom & $urandom);
      @(negedge clk);
      start = 1'b1;
      @(negedge clk);
      start = 1'b0;
      repeat (5) @(negedge clk);
      while (obs[0].busy || obs[1].busy) @(negedge clk);
      repeat (10) @(negedge clk);
    end
    $display("snn_fixed_equiv_tb Cfg %0d: %0d cycles, %0d router entries, %0d write-backs, %0d link bit-sets, %0d mismatches",
             Cfg, cycles, pushes, wbs, sets, mismatches);
    if (mismatches != 0 || pushes == 0 || sets == 0) $fatal(1, "FAILED");
    $finish;
  end
endmodule
