// Input side of a layer engine (docs/rtl.md §2): commands the event control frame by frame,
// writes the compressed spike addresses into two address-list buffers, queues the
// compressed non-empty frames for the cores (at most two, in frame order) and counts the
// compressed steps. Frame g (over all steps) starts when the event control is idle, buffer
// g%2 is free and its step's input is ready; an empty frame frees its buffer at once, a
// non-empty one when its accumulate ends (release_i).
// Spike-memory base of frame f of step t: (t mod slots * frames + f) * chunks. Programmable
// (Fixed = 0): computed from the step; Fixed = 1: a slot counter and a running sum, so no
// divider and no multiplier.
module snn_frame_queue #(
  parameter int unsigned MaxFrame = 2048,
  parameter int unsigned SWordW   = 12,
  parameter bit          Fixed    = 1'b0,
  localparam int unsigned FAddrW  = $clog2(MaxFrame)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,
  input  logic              sample_end_i,       // the last activation of the sample ends
  input  logic [7:0]        in_steps_ready_i,
  input  logic [7:0]        cfg_steps_i,
  input  logic [15:0]       cfg_frames_i,
  // Waiver: Fixed = 1 adds the chunks modulo the spike memory size.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [15:0]       cfg_chunks_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [15:0]       cfg_slots_i,
  // event control
  output logic              ec_cmd_o,
  output logic [SWordW-1:0] ec_base_o,
  input  logic              ec_ready_i,
  input  logic              ec_addr_valid_i,
  input  logic [15:0]       ec_addr_i,
  input  logic              ec_done_i,
  // cores
  output logic              running_o,
  output logic [7:0]        compressed_steps_o,
  output logic              head_valid_o,       // a compressed non-empty frame waits
  output logic [7:0]        head_step_o,        // its step
  input  logic              core_idle_i,
  input  logic              pop_i,              // its accumulate starts
  input  logic              release_i,          // the accumulate ends: its buffer is free
  input  logic [FAddrW-1:0] rd_idx_i,
  output logic [15:0]       rd_addr_o,          // address rd_idx_i of the current frame
  output logic [FAddrW:0]   cur_count_o,        // its number of addresses
  output logic [15:0]       cur_frame_o         // its frame number
);
  logic             running_q, running_d;
  logic [7:0]       ec_t_q, ec_t_d;             // step of the next frame to compress
  logic [15:0]      ec_f_q, ec_f_d;             // its frame
  logic             ec_parity_q, ec_parity_d;   // its buffer
  logic             ec_buf_q, ec_buf_d;         // buffer being filled
  logic [7:0]       compressed_q, compressed_d;
  logic [1:0]       busy_q, busy_d;
  // per buffer b: number of addresses, frame and step (b at [b*W +: W])
  localparam int unsigned CW = FAddrW + 1;
  logic [2*CW-1:0]  count_q, count_d;
  logic [2*16-1:0]  frame_q, frame_d;
  logic [2*8-1:0]   step_q, step_d;
  logic [1:0]       full_buf_q, full_buf_d;     // queue of compressed non-empty frames
  logic [1:0]       full_count_q, full_count_d;
  logic             acc_buf_q, acc_buf_d;       // buffer under accumulate
  logic             ec_fire, last_frame, cur_buf, push;

  assign ec_cmd_o   = (running_q || start_i) && ec_t_q < cfg_steps_i && ec_t_q < in_steps_ready_i &&
                      !busy_q[ec_parity_q];
  assign ec_fire    = ec_cmd_o && ec_ready_i;
  assign last_frame = ec_f_q == cfg_frames_i - 16'd1;
  assign push       = ec_done_i && (count_q[ec_buf_q*CW +: CW] != '0 || ec_addr_valid_i);

  always_comb begin
    running_d    = running_q;
    ec_t_d       = ec_t_q;
    ec_f_d       = ec_f_q;
    ec_parity_d  = ec_parity_q;
    ec_buf_d     = ec_buf_q;
    compressed_d = compressed_q;
    busy_d       = busy_q;
    count_d      = count_q;
    frame_d      = frame_q;
    step_d       = step_q;
    full_buf_d   = full_buf_q;
    full_count_d = full_count_q;
    acc_buf_d    = acc_buf_q;
    if (start_i) begin
      running_d    = 1'b1;
      ec_t_d       = '0;
      ec_f_d       = '0;
      ec_parity_d  = 1'b0;
      compressed_d = '0;
    end
    if (ec_fire) begin
      ec_buf_d             = ec_parity_q;
      busy_d[ec_parity_q]  = 1'b1;
      count_d[ec_parity_q*CW +: CW] = '0;
      frame_d[ec_parity_q*16 +: 16] = ec_f_q;
      step_d[ec_parity_q*8 +: 8] = ec_t_q;
      ec_parity_d          = !ec_parity_q;
      if (last_frame) begin
        ec_f_d = '0;
        ec_t_d = ec_t_q + 8'd1;
      end else begin
        ec_f_d = ec_f_q + 16'd1;
      end
    end
    if (ec_addr_valid_i) count_d[ec_buf_q*CW +: CW] = count_q[ec_buf_q*CW +: CW] + 1'b1;
    if (ec_done_i) begin
      if (frame_q[ec_buf_q*16 +: 16] == cfg_frames_i - 16'd1) compressed_d = compressed_q + 8'd1;
      if (count_q[ec_buf_q*CW +: CW] == '0 && !ec_addr_valid_i) busy_d[ec_buf_q] = 1'b0;  // empty frame
    end
    if (pop_i) begin
      full_buf_d[0] = full_count_q == 2'd2 ? full_buf_q[1] : ec_buf_q;
      full_count_d  = full_count_q - 2'd1 + 2'(push);
      acc_buf_d     = full_buf_q[0];
    end else if (push) begin
      full_buf_d[full_count_q[0]] = ec_buf_q;
      full_count_d = full_count_q + 2'd1;
    end
    if (release_i) busy_d[acc_buf_q] = 1'b0;
    // The sample ends: back to the state after reset, so the next start compresses at once.
    if (sample_end_i) begin
      running_d    = 1'b0;
      ec_t_d       = '0;
      ec_f_d       = '0;
      ec_parity_d  = 1'b0;
      compressed_d = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      running_q    <= 1'b0;
      ec_t_q       <= '0;
      ec_f_q       <= '0;
      ec_parity_q  <= 1'b0;
      ec_buf_q     <= 1'b0;
      compressed_q <= '0;
      busy_q       <= '0;
      count_q      <= '0;
      frame_q      <= '0;
      step_q       <= '0;
      full_buf_q   <= '0;
      full_count_q <= '0;
      acc_buf_q    <= 1'b0;
    end else begin
      running_q    <= running_d;
      ec_t_q       <= ec_t_d;
      ec_f_q       <= ec_f_d;
      ec_parity_q  <= ec_parity_d;
      ec_buf_q     <= ec_buf_d;
      compressed_q <= compressed_d;
      busy_q       <= busy_d;
      count_q      <= count_d;
      frame_q      <= frame_d;
      step_q       <= step_d;
      full_buf_q   <= full_buf_d;
      full_count_q <= full_count_d;
      acc_buf_q    <= acc_buf_d;
    end
  end

  // ---- spike-memory base of the next frame
  if (Fixed) begin : g_base_counter
    // slot = t mod slots as a wrapping counter, base = (slot*frames + f)*chunks as a running
    // sum: +chunks per frame, back to 0 when the slot wraps (slots = 0: never).
    logic [15:0]       slot_q, slot_d;
    logic [SWordW-1:0] base_q, base_d;
    logic              slot_wrap, slot_step;
    assign slot_step = ec_fire && last_frame;  // the next command is the next step's frame 0
    assign slot_wrap = slot_q + 16'd1 == cfg_slots_i;  // the next step reuses slot 0
    always_comb begin
      slot_d = slot_q;
      base_d = base_q;
      if (start_i) begin
        slot_d = '0;
        base_d = '0;
      end
      if (ec_fire) begin
        base_d = base_q + SWordW'(cfg_chunks_i);
        if (slot_step) begin
          slot_d = slot_wrap ? 16'd0 : slot_q + 16'd1;
          if (slot_wrap) base_d = '0;
        end
      end
      if (sample_end_i) begin
        slot_d = '0;
        base_d = '0;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        slot_q <= '0;
        base_q <= '0;
      end else begin
        slot_q <= slot_d;
        base_q <= base_d;
      end
    end
    assign ec_base_o = base_q;
  end else begin : g_base_formula
    logic [15:0] slot;
    // Waiver: 32-bit arithmetic; the base fits the spike memory by construction.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [31:0] base;
    /* verilator lint_on UNUSEDSIGNAL */
    assign slot      = cfg_slots_i == 16'd0 ? 16'(ec_t_q) : 16'(ec_t_q) % cfg_slots_i;
    assign base      = (32'(slot) * 32'(cfg_frames_i) + 32'(ec_f_q)) * 32'(cfg_chunks_i);
    assign ec_base_o = SWordW'(base);
  end

  // ---- address lists: both buffers in one RAM without reset (LUT RAM), buffer b at b*MaxFrame
  logic [15:0] abuf_q [2*MaxFrame];
  logic [FAddrW:0] wr_idx, rd_idx;
  // Waiver: a full buffer (count = MaxFrame) is never written.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [FAddrW:0] wr_count;
  /* verilator lint_on UNUSEDSIGNAL */
  assign wr_count = count_q[ec_buf_q*CW +: CW];
  assign wr_idx   = ec_buf_q ? (FAddrW+1)'(MaxFrame) + (FAddrW+1)'(wr_count[FAddrW-1:0])
                             : (FAddrW+1)'(wr_count[FAddrW-1:0]);
  assign rd_idx = cur_buf ? (FAddrW+1)'(MaxFrame) + (FAddrW+1)'(rd_idx_i) : (FAddrW+1)'(rd_idx_i);
  // Written outside the reset process so synthesis infers a RAM.
  always_ff @(posedge clk_i) begin
    if (ec_addr_valid_i) abuf_q[wr_idx] <= ec_addr_i;
  end

  assign cur_buf            = core_idle_i ? full_buf_q[0] : acc_buf_q;
  assign rd_addr_o          = abuf_q[rd_idx];
  assign cur_count_o        = count_q[cur_buf*CW +: CW];
  assign cur_frame_o        = frame_q[cur_buf*16 +: 16];
  assign running_o          = running_q;
  assign compressed_steps_o = compressed_q;
  assign head_valid_o       = full_count_q != 2'd0;
  assign head_step_o        = step_q[full_buf_q[0]*8 +: 8];
endmodule
