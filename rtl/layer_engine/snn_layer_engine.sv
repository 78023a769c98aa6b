// Layer engine (docs/hardware.md §3.5, docs/rtl.md §2): input spike memory + event control,
// a double-buffered address list, `Lanes` lock-step neuron core lanes (weights, accumulators,
// membranes in per-lane RAMs) and the spike router FIFO. Maximum sizes are parameters; the
// layer shape, counts, latencies and neuron constants are loaded at run time through the
// load port (register map in docs/rtl.md), so one build serves every layer that fits.
//
// Cycle rules met exactly (g counts frames over all steps):
//   compress of frame g starts when the event control is idle and buffer g%2 is free;
//   accumulate of a non-empty frame starts when it is compressed and the cores are idle and
//   lasts s*taps*R + L_w + L_m; activation of step t starts when the cores are idle and all
//   frames of t are compressed and accumulated, and lasts P*N_pos + L_m + stall.
module snn_layer_engine #(
  parameter int unsigned ChunkW      = 32,
  parameter int unsigned SpikeWords  = 4096,
  parameter int unsigned MaxLatency  = 4,
  parameter int unsigned Lanes       = 4,
  parameter int unsigned WeightWords = 16384,
  parameter int unsigned AccWords    = 16384,
  parameter int unsigned MemWords    = 16384,
  parameter int unsigned ChanWords   = 64,
  parameter int unsigned MaxFrame    = 2048,
  parameter int unsigned FifoDepth   = 16,
  parameter int unsigned MaxRate     = 4
) (
  input  logic                             clk_i,
  input  logic                             rst_ni,
  // load port: configuration, input spikes, weights, gains, biases, accumulators, membranes
  input  logic                             load_valid_i,
  input  logic [2:0]                       load_target_i,
  input  logic [$clog2(Lanes+1)-1:0]       load_lane_i,
  // Waiver: the address is 16 bits for every target; smaller memories ignore the top bits.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [15:0]                      load_addr_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [31:0]                      load_data_i,
  // sample control
  input  logic                             start_i,
  input  logic [7:0]                       in_steps_ready_i,   // steps whose input is complete
  input  logic [7:0]                       out_steps_free_i,   // steps that may be activated
  output logic                             busy_o,
  output logic                             step_done_o,        // last cycle of an activation
  output logic [7:0]                       step_o,
  // spikes leaving the router, {step, channel, y, x} bytes
  output logic [$clog2(MaxRate+1)-1:0]     out_count_o,
  output logic [MaxRate*32-1:0]            out_data_o,
  // packets entering the router this cycle (observation for the scoreboard)
  output logic [$clog2(Lanes+1)-1:0]       push_count_o,
  output logic [Lanes*32-1:0]              push_data_o,
  // membrane write-back of one activation slot (first cycle of its emission)
  output logic                             wb_valid_o,
  output logic [Lanes-1:0]                 wb_lanes_o,
  output logic [Lanes-1:0]                 wb_spikes_o,
  output logic [Lanes*32-1:0]              wb_mem_o,
  output logic [15:0]                      wb_pass_o,
  output logic [15:0]                      wb_pos_o
);
  localparam int unsigned LatW   = $clog2(MaxLatency + 1);
  localparam int unsigned LaneW  = $clog2(Lanes + 1);
  localparam int unsigned SWordW = $clog2(SpikeWords);
  localparam int unsigned WAddrW = $clog2(WeightWords);
  localparam int unsigned AAddrW = $clog2(AccWords);
  localparam int unsigned MAddrW = $clog2(MemWords);
  localparam int unsigned CAddrW = $clog2(ChanWords);
  localparam int unsigned FAddrW = $clog2(MaxFrame);
  localparam int unsigned NumCfg = 32;

  localparam logic [2:0] TgtCfg = 3'd0, TgtSpike = 3'd1, TgtWeight = 3'd2, TgtGain = 3'd3, TgtBias = 3'd4,
                         TgtAcc = 3'd5, TgtMem = 3'd6;

  // ---------------------------------------------------------------- configuration
  // Waiver: configuration words are 32 bits wide; most fields use only their low bits.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0] cfg_q [NumCfg];
  /* verilator lint_on UNUSEDSIGNAL */
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < NumCfg; i++) cfg_q[i] <= '0;
    end else if (load_valid_i && load_target_i == TgtCfg) begin
      cfg_q[load_addr_i[4:0]] <= load_data_i;
    end
  end

  logic        cfg_conv;
  logic [15:0] cfg_in_w, cfg_kernel, cfg_pad, cfg_stride, cfg_full_h, cfg_full_w, cfg_out_h, cfg_out_w;
  logic [15:0] cfg_oc, cfg_passes, cfg_frames, cfg_chunks, cfg_rows, cfg_fetch_full, cfg_fetch_last, cfg_slots;
  logic [LaneW-1:0] cfg_lanes;
  logic [7:0]  cfg_steps;
  logic [LatW-1:0] cfg_lat_spk, cfg_lat_w, cfg_lat_m;
  logic [4:0]  cfg_depth;
  logic [2:0]  cfg_rate;
  logic [5:0]  cfg_acc_bits, cfg_mem_bits;
  logic [4:0]  cfg_frac_bits;
  logic [1:0]  cfg_reset_kind;
  logic        cfg_reset_delay;
  logic [31:0] cfg_decay, cfg_threshold, cfg_reset_amount;
  assign cfg_conv         = cfg_q[0][0];
  assign cfg_in_w         = cfg_q[1][15:0];
  assign cfg_kernel       = cfg_q[2][15:0];
  assign cfg_pad          = cfg_q[3][15:0];
  assign cfg_stride       = cfg_q[4][15:0];
  assign cfg_full_h       = cfg_q[5][15:0];
  assign cfg_full_w       = cfg_q[6][15:0];
  assign cfg_out_h        = cfg_q[7][15:0];
  assign cfg_out_w        = cfg_q[8][15:0];
  assign cfg_oc           = cfg_q[9][15:0];
  assign cfg_lanes        = cfg_q[10][LaneW-1:0];
  assign cfg_passes       = cfg_q[11][15:0];
  assign cfg_frames       = cfg_q[12][15:0];
  assign cfg_chunks       = cfg_q[13][15:0];
  assign cfg_steps        = cfg_q[14][7:0];
  assign cfg_lat_spk      = cfg_q[15][LatW-1:0];
  assign cfg_lat_w        = cfg_q[16][LatW-1:0];
  assign cfg_lat_m        = cfg_q[17][LatW-1:0];
  assign cfg_depth        = cfg_q[18][4:0];
  assign cfg_rate         = cfg_q[19][2:0];
  assign cfg_acc_bits     = cfg_q[20][5:0];
  assign cfg_mem_bits     = cfg_q[21][5:0];
  assign cfg_frac_bits    = cfg_q[22][4:0];
  assign cfg_reset_kind   = cfg_q[23][1:0];
  assign cfg_reset_delay  = cfg_q[24][0];
  assign cfg_decay        = cfg_q[25];
  assign cfg_threshold    = cfg_q[26];
  assign cfg_reset_amount = cfg_q[27];
  assign cfg_fetch_full   = cfg_q[28][15:0];
  assign cfg_fetch_last   = cfg_q[29][15:0];
  assign cfg_rows         = cfg_q[30][15:0];
  assign cfg_slots        = cfg_q[31][15:0];

  logic [15:0] taps, full_pos, out_pos;
  assign taps     = cfg_conv ? 16'(cfg_kernel * cfg_kernel) : 16'd1;
  assign full_pos = 16'(cfg_full_h * cfg_full_w);
  assign out_pos  = 16'(cfg_out_h * cfg_out_w);

  // ---------------------------------------------------------------- freeze (router back-pressure)
  logic freeze, run_en;
  assign run_en = !freeze;

  // ---------------------------------------------------------------- event control
  logic        running_q;
  logic        ec_ready, ec_cmd, ec_addr_valid, ec_done;
  logic [15:0] ec_addr;
  logic [7:0]  ec_t_q;        // step of the next frame to compress
  logic [15:0] ec_f_q;        // its frame
  logic        ec_parity_q;   // its buffer
  logic        ec_buf_q;      // buffer being filled
  logic [7:0]  compressed_steps_q;
  logic [1:0]  buf_busy_q;
  logic [FAddrW:0] buf_count_q [2];
  logic [15:0] buf_frame_q [2];
  logic [7:0]  buf_step_q [2];
  logic [15:0] abuf_q [2][MaxFrame];
  logic [15:0] ec_slot;
  logic [SWordW-1:0] ec_base;
  logic [15:0] ec_frame_of_buf;

  assign ec_slot = cfg_slots == 16'd0 ? 16'(ec_t_q) : 16'(ec_t_q) % cfg_slots;
  assign ec_base = SWordW'((ec_slot * cfg_frames + ec_f_q) * cfg_chunks);
  assign ec_cmd  = (running_q || start_i) && ec_t_q < cfg_steps && ec_t_q < in_steps_ready_i &&
                   !buf_busy_q[ec_parity_q];

  snn_event_control_unit #(
    .ChunkW     (ChunkW),
    .Words      (SpikeWords),
    .MaxLatency (MaxLatency),
    .AddrW      (16)
  ) u_input (
    .clk_i,
    .rst_ni,
    .latency_i    (cfg_lat_spk),
    .chunks_i     (SWordW'(cfg_chunks)),
    .load_valid_i (load_valid_i && load_target_i == TgtSpike),
    .load_addr_i  (SWordW'(load_addr_i)),
    .load_data_i  (ChunkW'(load_data_i)),
    .cmd_valid_i  (ec_cmd),
    .cmd_ready_o  (ec_ready),
    .base_i       (ec_base),
    .addr_valid_o (ec_addr_valid),
    .addr_o       (ec_addr),
    .done_o       (ec_done)
  );
  assign ec_frame_of_buf = buf_frame_q[ec_buf_q];

  // Frames whose compressed list waits for the cores, in frame order (at most two).
  logic       full_buf_q [2];
  logic [1:0] full_count_q;
  logic       full_head;
  assign full_head = full_buf_q[0];

  // ---------------------------------------------------------------- core array state
  typedef enum logic [2:0] {CoreIdle, CoreAcc, CoreAccDrain, CoreAct, CoreActDrain} core_state_e;
  core_state_e core_q;
  logic [7:0]  act_t_q;
  logic        acc_buf_q;
  logic [FAddrW:0] acc_i_q;
  logic [15:0] acc_j_q, acc_ky_q, acc_kx_q, acc_p_q, fetch_q;
  logic [15:0] drain_q;
  logic [15:0] act_p_q, act_pos_q, act_y_q, act_x_q;

  logic start_acc, start_act, acc_issue, acc_last_item, act_issue, act_last_slot;
  logic acc_active, act_phase, cur_buf;
  logic full_pop;
  assign start_acc = core_q == CoreIdle && full_count_q != 2'd0 && buf_step_q[full_head] == act_t_q;
  assign start_act = core_q == CoreIdle && running_q && act_t_q < cfg_steps && compressed_steps_q > act_t_q &&
                     !(full_count_q != 2'd0 && buf_step_q[full_head] == act_t_q) && act_t_q < out_steps_free_i;
  assign full_pop  = start_acc;
  // A phase's first cycle is the cycle it is decided in (hardware.md §3.5: a_g, start).
  assign acc_active = core_q == CoreAcc || start_acc;
  assign act_phase  = core_q == CoreAct || core_q == CoreActDrain || start_act;
  assign cur_buf    = core_q == CoreIdle ? full_head : acc_buf_q;

  // ---- accumulate: items (spike i, tap j, pass p), R cycles each, issued on the last one
  logic [15:0] fetch_r, spike_addr, iy, ix, ny, nx, oy, ox, w_row;
  logic        tap_valid;
  logic [Lanes-1:0] item_lanes;
  logic [WAddrW-1:0] w_addr;
  logic [AAddrW-1:0] item_acc_addr;
  assign fetch_r    = acc_p_q == cfg_passes - 16'd1 ? cfg_fetch_last : cfg_fetch_full;
  assign acc_issue  = acc_active && fetch_q == fetch_r;
  assign spike_addr = abuf_q[cur_buf][acc_i_q[FAddrW-1:0]];
  assign acc_last_item = acc_issue && 32'(acc_i_q) + 1 == 32'(buf_count_q[cur_buf]) &&
                         acc_j_q == taps - 16'd1 && acc_p_q == cfg_passes - 16'd1;
  always_comb begin
    iy = cfg_in_w == 16'd0 ? 16'd0 : spike_addr / cfg_in_w;
    ix = cfg_in_w == 16'd0 ? 16'd0 : spike_addr % cfg_in_w;
    ny = iy + cfg_pad - acc_ky_q;   // negative values wrap above full_h*stride
    nx = ix + cfg_pad - acc_kx_q;
    oy = cfg_stride == 16'd0 ? 16'd0 : ny / cfg_stride;
    ox = cfg_stride == 16'd0 ? 16'd0 : nx / cfg_stride;
    if (cfg_conv) begin
      tap_valid = iy + cfg_pad >= acc_ky_q && ix + cfg_pad >= acc_kx_q && cfg_stride != 16'd0 &&
                  ny % cfg_stride == 16'd0 && nx % cfg_stride == 16'd0 && oy < cfg_full_h && ox < cfg_full_w;
      w_row = 16'(buf_frame_q[cur_buf] * taps + acc_j_q);
      item_acc_addr = AAddrW'(acc_p_q * full_pos + oy * cfg_full_w + ox);
    end else begin
      tap_valid = 1'b1;
      w_row = spike_addr;
      item_acc_addr = AAddrW'(acc_p_q);
    end
    w_addr = WAddrW'(acc_p_q * cfg_rows + w_row);
    for (int k = 0; k < Lanes; k++) begin
      item_lanes[k] = tap_valid && 32'(k) < 32'(cfg_lanes) &&
                      32'(acc_p_q) * 32'(cfg_lanes) + 32'(k) < 32'(cfg_oc);
    end
  end

  // ---- activation: one slot (pass p, position) per cycle
  logic [Lanes-1:0] slot_lanes;
  assign act_issue     = (core_q == CoreAct || start_act) && run_en;
  assign act_last_slot = act_pos_q == out_pos - 16'd1 && act_p_q == cfg_passes - 16'd1;
  always_comb begin
    for (int k = 0; k < Lanes; k++) begin
      slot_lanes[k] = 32'(k) < 32'(cfg_lanes) && 32'(act_p_q) * 32'(cfg_lanes) + 32'(k) < 32'(cfg_oc);
    end
  end

  // ---------------------------------------------------------------- memories per lane
  logic signed [15:0] w_data [Lanes];
  logic signed [31:0] acc_rdata [Lanes];
  logic signed [31:0] mem_rdata [Lanes];
  logic        acc_re, mem_re;
  logic [AAddrW-1:0] acc_raddr;
  logic [MAddrW-1:0] mem_raddr;
  logic [Lanes-1:0]  acc_we, mem_we;
  logic [AAddrW-1:0] acc_waddr [Lanes];
  logic [31:0]       acc_wdata [Lanes];
  logic [MAddrW-1:0] mem_waddr;
  logic [31:0]       mem_wdata [Lanes];
  logic signed [31:0] gain_q [Lanes][ChanWords];
  logic signed [31:0] bias_q [Lanes][ChanWords];

  // Waiver (PINCONNECTEMPTY): the RAMs' own valid outputs are unused; the side-information
  // delay lines carry validity together with the addresses.
  /* verilator lint_off PINCONNECTEMPTY */
  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    logic load_here;
    logic [15:0] w_raw;
    logic [31:0] a_raw, m_raw;
    assign load_here = load_valid_i && 32'(load_lane_i) == k;
    snn_ram_1r1w #(.Width(16), .Depth(WeightWords), .MaxLatency(MaxLatency)) u_weights (
      .clk_i, .rst_ni, .latency_i(cfg_lat_w), .en_i(run_en),
      .re_i(acc_issue), .raddr_i(w_addr), .rvalid_o(), .rdata_o(w_raw),
      .we_i(load_here && load_target_i == TgtWeight), .waddr_i(WAddrW'(load_addr_i)), .wdata_i(load_data_i[15:0])
    );
    snn_ram_1r1w #(.Width(32), .Depth(AccWords), .MaxLatency(MaxLatency)) u_accumulators (
      .clk_i, .rst_ni, .latency_i(cfg_lat_m), .en_i(run_en),
      .re_i(acc_re), .raddr_i(acc_raddr), .rvalid_o(), .rdata_o(a_raw),
      .we_i(acc_we[k] || (load_here && load_target_i == TgtAcc)),
      .waddr_i(acc_we[k] ? acc_waddr[k] : AAddrW'(load_addr_i)),
      .wdata_i(acc_we[k] ? acc_wdata[k] : load_data_i)
    );
    snn_ram_1r1w #(.Width(32), .Depth(MemWords), .MaxLatency(MaxLatency)) u_membranes (
      .clk_i, .rst_ni, .latency_i(cfg_lat_m), .en_i(run_en),
      .re_i(mem_re), .raddr_i(mem_raddr), .rvalid_o(), .rdata_o(m_raw),
      .we_i(mem_we[k] || (load_here && load_target_i == TgtMem)),
      .waddr_i(mem_we[k] ? mem_waddr : MAddrW'(load_addr_i)),
      .wdata_i(mem_we[k] ? mem_wdata[k] : load_data_i)
    );
    assign w_data[k]    = signed'(w_raw);
    assign acc_rdata[k] = signed'(a_raw);
    assign mem_rdata[k] = signed'(m_raw);
    always_ff @(posedge clk_i) begin
      if (load_here && load_target_i == TgtGain) gain_q[k][CAddrW'(load_addr_i)] <= load_data_i;
      if (load_here && load_target_i == TgtBias) bias_q[k][CAddrW'(load_addr_i)] <= load_data_i;
    end
  end

  /* verilator lint_on PINCONNECTEMPTY */

  // ---- accumulate pipeline: weight read -> accumulator read -> saturating add and write
  localparam int unsigned AccSideW = 1 + Lanes + AAddrW;
  logic [AccSideW-1:0] side_w_d, side_w_q;
  logic               wret_valid;
  logic [Lanes-1:0]   wret_lanes;
  logic [AAddrW-1:0]  wret_addr;
  assign side_w_d = {acc_issue, item_lanes, item_acc_addr};
  snn_delay #(.Width(AccSideW), .MaxLatency(MaxLatency)) u_side_w (
    .clk_i, .rst_ni, .latency_i(cfg_lat_w), .en_i(run_en), .d_i(side_w_d), .q_o(side_w_q));
  assign {wret_valid, wret_lanes, wret_addr} = side_w_q;

  localparam int unsigned AccSide2W = 1 + Lanes + AAddrW + 16 * Lanes;
  logic [AccSide2W-1:0] side_a_d, side_a_q;
  logic [16*Lanes-1:0]  w_flat, aret_w;
  logic               aret_valid;
  logic [Lanes-1:0]   aret_lanes;
  logic [AAddrW-1:0]  aret_addr;
  always_comb begin
    for (int k = 0; k < Lanes; k++) w_flat[k*16 +: 16] = w_data[k];
  end
  assign side_a_d = {wret_valid && wret_lanes != '0, wret_lanes, wret_addr, w_flat};
  snn_delay #(.Width(AccSide2W), .MaxLatency(MaxLatency)) u_side_a (
    .clk_i, .rst_ni, .latency_i(cfg_lat_m), .en_i(run_en), .d_i(side_a_d), .q_o(side_a_q));
  assign {aret_valid, aret_lanes, aret_addr, aret_w} = side_a_q;

  // Writes of the last MaxLatency cycles, newest first, for read-after-write forwarding.
  logic [Lanes-1:0]  hist_we_q   [MaxLatency];
  logic [AAddrW-1:0] hist_addr_q [MaxLatency];
  logic [31:0]       hist_data_q [MaxLatency][Lanes];

  function automatic logic signed [31:0] sat_add(input logic signed [31:0] a, input logic signed [15:0] w,
                                                 input logic [5:0] bits);
    logic signed [33:0] s, hi, lo;
    s  = 34'(a) + 34'(w);
    hi = (34'sd1 <<< (bits - 6'd1)) - 34'sd1;
    lo = -(34'sd1 <<< (bits - 6'd1));
    sat_add = s > hi ? 32'(hi) : (s < lo ? 32'(lo) : 32'(s));
  endfunction

  logic signed [31:0] acc_old [Lanes];
  always_comb begin
    for (int k = 0; k < Lanes; k++) begin
      acc_old[k] = acc_rdata[k];
      // oldest first so the newest matching write wins
      for (int h = MaxLatency - 1; h >= 0; h--) begin
        if (32'(h) < 32'(cfg_lat_m) && hist_we_q[h][k] && hist_addr_q[h] == aret_addr) acc_old[k] = hist_data_q[h][k];
      end
    end
  end

  // ---- activation pipeline: accumulator + membrane read -> neuron step, write-back, spikes
  localparam int unsigned ActSideW = 1 + Lanes + 16 + 16 + 8 + 8 + 8;
  logic [ActSideW-1:0] side_v_d, side_v_q;
  logic               vret_valid;
  logic [Lanes-1:0]   vret_lanes;
  logic [15:0]        vret_p, vret_pos;
  logic [7:0]         vret_y, vret_x;
  logic [7:0]         vret_t;
  assign side_v_d = {act_issue, slot_lanes, act_p_q, act_pos_q, act_y_q[7:0], act_x_q[7:0], act_t_q};
  snn_delay #(.Width(ActSideW), .MaxLatency(MaxLatency)) u_side_v (
    .clk_i, .rst_ni, .latency_i(cfg_lat_m), .en_i(run_en), .d_i(side_v_d), .q_o(side_v_q));
  assign {vret_valid, vret_lanes, vret_p, vret_pos, vret_y, vret_x, vret_t} = side_v_q;

  logic signed [31:0] step_mem [Lanes];
  logic [Lanes-1:0]   step_spike;
  for (genvar k = 0; k < Lanes; k++) begin : g_neuron
    snn_neuron_step u_step (
      .reset_kind_i   (cfg_reset_kind),
      .reset_delay_i  (cfg_reset_delay),
      .decay_i        (cfg_decay),
      .threshold_i    (cfg_threshold),
      .reset_amount_i (cfg_reset_amount),
      .acc_bits_i     (cfg_acc_bits),
      .mem_bits_i     (cfg_mem_bits),
      .frac_bits_i    (cfg_frac_bits),
      .gain_i         (gain_q[k][CAddrW'(vret_p)]),
      .bias_i         (bias_q[k][CAddrW'(vret_p)]),
      .acc_i          (acc_rdata[k]),
      .mem_i          (mem_rdata[k]),
      .mem_o          (step_mem[k]),
      .spike_o        (step_spike[k])
    );
  end

  // Spikes of the slot at the emission stage still to be sent (a prefix per cycle).
  logic             pend_valid_q;
  logic [Lanes-1:0] pend_q;
  logic [Lanes-1:0] offer;
  logic [$clog2(FifoDepth+1)-1:0] space;
  logic [LaneW-1:0] n_offer, n_push;
  logic [Lanes*32-1:0] push_data;
  logic [Lanes-1:0] pushed_mask;
  assign offer = !vret_valid ? '0 : (pend_valid_q ? pend_q : (step_spike & vret_lanes));
  always_comb begin
    n_offer = '0;
    for (int k = 0; k < Lanes; k++) n_offer = n_offer + LaneW'(offer[k]);
    n_push = 32'(n_offer) <= 32'(space) ? n_offer : LaneW'(space);
    push_data   = '0;
    pushed_mask = '0;
    begin
      int unsigned j;
      j = 0;
      for (int k = 0; k < Lanes; k++) begin
        if (offer[k] && j < 32'(n_push)) begin
          push_data[j*32 +: 32] = {vret_t, 8'(32'(vret_p) * 32'(cfg_lanes) + 32'(k)), vret_y, vret_x};
          pushed_mask[k] = 1'b1;
          j = j + 1;
        end
      end
    end
  end
  assign freeze = n_push != n_offer;
  assign push_count_o = n_push;
  assign push_data_o  = push_data;

  snn_spike_router #(
    .DataW    (32),
    .MaxDepth (FifoDepth),
    .MaxLanes (Lanes),
    .MaxRate  (MaxRate)
  ) u_router (
    .clk_i,
    .rst_ni,
    .depth_i     (($clog2(FifoDepth+1))'(cfg_depth)),
    .rate_i      (($clog2(MaxRate+1))'(cfg_rate)),
    .space_o     (space),
    .in_count_i  (n_push),
    .in_data_i   (push_data),
    .out_count_o,
    .out_data_o,
    // Waiver (PINCONNECTEMPTY): occupancy is for observation only.
    /* verilator lint_off PINCONNECTEMPTY */
    .occupancy_o ()
    /* verilator lint_on PINCONNECTEMPTY */
  );

  // ---- memory ports
  always_comb begin
    acc_re    = 1'b0;
    acc_raddr = '0;
    mem_re    = 1'b0;
    mem_raddr = '0;
    acc_we    = '0;
    mem_we    = '0;
    mem_waddr = MAddrW'(vret_p * out_pos + vret_pos);
    for (int k = 0; k < Lanes; k++) begin
      acc_waddr[k] = aret_addr;
      acc_wdata[k] = sat_add(acc_old[k], signed'(aret_w[k*16 +: 16]), cfg_acc_bits);
      mem_wdata[k] = step_mem[k];
    end
    if (act_phase) begin
      acc_re    = act_issue;
      acc_raddr = AAddrW'(act_p_q * full_pos + act_pos_q);
      mem_re    = act_issue;
      mem_raddr = MAddrW'(act_p_q * out_pos + act_pos_q);
      if (vret_valid && !pend_valid_q) begin
        mem_we = vret_lanes;
        acc_we = vret_lanes;   // read-clear: the next step starts from 0
        for (int k = 0; k < Lanes; k++) begin
          acc_waddr[k] = AAddrW'(vret_p * full_pos + vret_pos);
          acc_wdata[k] = '0;
        end
      end
    end else begin
      acc_re    = wret_valid && wret_lanes != '0;
      acc_raddr = wret_addr;
      if (aret_valid) acc_we = aret_lanes;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int h = 0; h < MaxLatency; h++) begin
        hist_we_q[h]   <= '0;
        hist_addr_q[h] <= '0;
        for (int k = 0; k < Lanes; k++) hist_data_q[h][k] <= '0;
      end
    end else begin
      hist_we_q[0]   <= (core_q == CoreAcc || core_q == CoreAccDrain) ? acc_we : '0;
      hist_addr_q[0] <= aret_addr;
      for (int k = 0; k < Lanes; k++) hist_data_q[0][k] <= acc_wdata[k];
      for (int h = 1; h < MaxLatency; h++) begin
        hist_we_q[h]   <= hist_we_q[h-1];
        hist_addr_q[h] <= hist_addr_q[h-1];
        hist_data_q[h] <= hist_data_q[h-1];
      end
    end
  end

  // ---------------------------------------------------------------- sequencing
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      running_q          <= 1'b0;
      ec_t_q             <= '0;
      ec_f_q             <= '0;
      ec_parity_q        <= 1'b0;
      ec_buf_q           <= 1'b0;
      compressed_steps_q <= '0;
      buf_busy_q         <= '0;
      full_count_q       <= '0;
      full_buf_q[0]      <= 1'b0;
      full_buf_q[1]      <= 1'b0;
      for (int b = 0; b < 2; b++) begin
        buf_count_q[b] <= '0;
        buf_frame_q[b] <= '0;
        buf_step_q[b]  <= '0;
      end
      core_q       <= CoreIdle;
      act_t_q      <= '0;
      acc_buf_q    <= 1'b0;
      acc_i_q      <= '0;
      acc_j_q      <= '0;
      acc_ky_q     <= '0;
      acc_kx_q     <= '0;
      acc_p_q      <= '0;
      fetch_q      <= 16'd1;
      drain_q      <= '0;
      act_p_q      <= '0;
      act_pos_q    <= '0;
      act_y_q      <= '0;
      act_x_q      <= '0;
      pend_valid_q <= 1'b0;
      pend_q       <= '0;
    end else begin
      if (start_i) begin
        running_q          <= 1'b1;
        ec_t_q             <= '0;
        ec_f_q             <= '0;
        ec_parity_q        <= 1'b0;
        compressed_steps_q <= '0;
        act_t_q            <= '0;
      end
      // event control side
      if (ec_cmd && ec_ready) begin
        ec_buf_q                 <= ec_parity_q;
        buf_busy_q[ec_parity_q]  <= 1'b1;
        buf_count_q[ec_parity_q] <= '0;
        buf_frame_q[ec_parity_q] <= ec_f_q;
        buf_step_q[ec_parity_q]  <= ec_t_q;
        ec_parity_q              <= !ec_parity_q;
        if (ec_f_q == cfg_frames - 16'd1) begin
          ec_f_q <= '0;
          ec_t_q <= ec_t_q + 8'd1;
        end else begin
          ec_f_q <= ec_f_q + 16'd1;
        end
      end
      if (ec_addr_valid) begin
        abuf_q[ec_buf_q][buf_count_q[ec_buf_q][FAddrW-1:0]] <= ec_addr;
        buf_count_q[ec_buf_q] <= buf_count_q[ec_buf_q] + 1'b1;
      end
      if (ec_done) begin
        if (ec_frame_of_buf == cfg_frames - 16'd1) compressed_steps_q <= compressed_steps_q + 8'd1;
        if (buf_count_q[ec_buf_q] == '0 && !ec_addr_valid) begin
          buf_busy_q[ec_buf_q] <= 1'b0;   // empty frame: nothing for the cores
        end
      end
      // queue of compressed non-empty frames
      begin
        logic push;
        push = ec_done && (buf_count_q[ec_buf_q] != '0 || ec_addr_valid);
        if (full_pop) begin
          full_buf_q[0] <= full_count_q == 2'd2 ? full_buf_q[1] : ec_buf_q;
          full_count_q  <= full_count_q - 2'd1 + 2'(push);
        end else if (push) begin
          full_buf_q[full_count_q[0]] <= ec_buf_q;
          full_count_q <= full_count_q + 2'd1;
        end
      end

      // core array
      if (start_acc) begin
        core_q    <= CoreAcc;
        acc_buf_q <= full_head;
      end
      if (start_act) core_q <= CoreAct;
      // accumulate sequencer (also in the start cycle)
      if (acc_active) begin
        if (!acc_issue) begin
          fetch_q <= fetch_q + 16'd1;
        end else begin
          fetch_q <= 16'd1;
          if (acc_last_item) begin
            core_q   <= CoreAccDrain;
            drain_q  <= 16'(cfg_lat_w) + 16'(cfg_lat_m);
            acc_i_q  <= '0;
            acc_j_q  <= '0;
            acc_ky_q <= '0;
            acc_kx_q <= '0;
            acc_p_q  <= '0;
          end else if (acc_p_q != cfg_passes - 16'd1) begin
            acc_p_q <= acc_p_q + 16'd1;
          end else begin
            acc_p_q <= '0;
            if (acc_j_q != taps - 16'd1) begin
              acc_j_q <= acc_j_q + 16'd1;
              if (acc_kx_q == cfg_kernel - 16'd1) begin
                acc_kx_q <= '0;
                acc_ky_q <= acc_ky_q + 16'd1;
              end else begin
                acc_kx_q <= acc_kx_q + 16'd1;
              end
            end else begin
              acc_j_q  <= '0;
              acc_ky_q <= '0;
              acc_kx_q <= '0;
              acc_i_q  <= acc_i_q + 1'b1;
            end
          end
        end
      end
      if (core_q == CoreAccDrain) begin
        drain_q <= drain_q - 16'd1;
        if (drain_q == 16'd1) begin
          core_q                <= CoreIdle;
          buf_busy_q[acc_buf_q] <= 1'b0;
        end
      end
      // activation slots (also in the start cycle)
      if (act_issue) begin
        if (act_last_slot) begin
          core_q    <= CoreActDrain;
          drain_q   <= 16'(cfg_lat_m);
          act_p_q   <= '0;
          act_pos_q <= '0;
          act_y_q   <= '0;
          act_x_q   <= '0;
        end else if (act_pos_q == out_pos - 16'd1) begin
          act_pos_q <= '0;
          act_y_q   <= '0;
          act_x_q   <= '0;
          act_p_q   <= act_p_q + 16'd1;
        end else begin
          act_pos_q <= act_pos_q + 16'd1;
          if (act_x_q == cfg_out_w - 16'd1) begin
            act_x_q <= '0;
            act_y_q <= act_y_q + 16'd1;
          end else begin
            act_x_q <= act_x_q + 16'd1;
          end
        end
      end
      if (core_q == CoreActDrain && run_en) begin
        drain_q <= drain_q - 16'd1;
        if (drain_q == 16'd1) begin
          core_q  <= CoreIdle;
          act_t_q <= act_t_q + 8'd1;
        end
      end

      // emission stage: remember what is left while the router is full
      if (freeze) begin
        pend_valid_q <= 1'b1;
        pend_q       <= offer & ~pushed_mask;
      end else begin
        pend_valid_q <= 1'b0;
        pend_q       <= '0;
      end
      // The last activation ends the sample: counters back to the state after reset, so
      // the next start compresses in its first cycle.
      if (core_q == CoreActDrain && run_en && drain_q == 16'd1 && act_t_q + 8'd1 == cfg_steps) begin
        running_q          <= 1'b0;
        ec_t_q             <= '0;
        ec_f_q             <= '0;
        ec_parity_q        <= 1'b0;
        compressed_steps_q <= '0;
        act_t_q            <= '0;
      end
    end
  end

  assign busy_o      = running_q || core_q != CoreIdle;
  assign step_done_o = core_q == CoreActDrain && run_en && drain_q == 16'd1;
  assign step_o      = act_t_q;

  assign wb_valid_o = vret_valid && !pend_valid_q;
  assign wb_lanes_o = vret_lanes;
  assign wb_spikes_o = step_spike & vret_lanes;
  assign wb_pass_o  = vret_p;
  assign wb_pos_o   = vret_pos;
  always_comb begin
    for (int k = 0; k < Lanes; k++) wb_mem_o[k*32 +: 32] = step_mem[k];
  end
endmodule
