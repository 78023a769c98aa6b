// Accumulate sequencer of a layer engine (docs/rtl.md §2, hardware.md §3.5): the items
// (spike i, tap j, pass p) of one compressed frame, pass fastest, each held for the R_p
// weight-fetch cycles of its pass and issued on the last one, and the item's weight
// address, accumulator address and lanes. A conv spike at input position (iy, ix) adds
// tap (ky, kx) to output (oy, ox) = ((iy+pad-ky)/stride, (ix+pad-kx)/stride) when that
// divides and lies inside; a bubble tap takes its cycle and enables no lane.
// Programmable (Fixed = 0) the position is divided by the input width and the stride at
// run time; Fixed = 1 divides by the constants InW and Stride without a divider.
module snn_acc_seq #(
  parameter int unsigned Lanes    = 4,
  parameter int unsigned MaxFrame = 2048,
  parameter int unsigned WAddrW   = 14,
  parameter int unsigned AAddrW   = 14,
  parameter bit          Fixed    = 1'b0,
  parameter int unsigned InW      = 0,    // Fixed: input width
  parameter int unsigned Stride   = 0,    // Fixed: stride
  localparam int unsigned FAddrW  = $clog2(MaxFrame),
  localparam int unsigned LaneW   = $clog2(Lanes + 1)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              active_i,       // accumulate phase (also its start cycle)
  input  logic              cfg_conv_i,
  input  logic [15:0]       cfg_in_w_i,
  input  logic [15:0]       cfg_kernel_i,
  input  logic [15:0]       cfg_pad_i,
  input  logic [15:0]       cfg_stride_i,
  input  logic [15:0]       cfg_full_h_i,
  input  logic [15:0]       cfg_full_w_i,
  input  logic [15:0]       cfg_oc_i,
  input  logic [LaneW-1:0]  cfg_lanes_i,
  input  logic [15:0]       cfg_passes_i,
  input  logic [15:0]       cfg_rows_i,
  input  logic [15:0]       cfg_fetch_full_i,
  input  logic [15:0]       cfg_fetch_last_i,
  input  logic [15:0]       taps_i,         // K*K (conv) or 1
  input  logic [31:0]       full_pos_i,     // full_h * full_w
  // the frame under accumulate
  input  logic [FAddrW:0]   count_i,
  input  logic [15:0]       frame_i,
  output logic [FAddrW-1:0] idx_o,          // its spike i ...
  input  logic [15:0]       spike_addr_i,   // ... and that spike's address
  output logic              issue_o,
  output logic              last_item_o,
  output logic [Lanes-1:0]  lanes_o,
  output logic [WAddrW-1:0] w_addr_o,
  output logic [AAddrW-1:0] acc_addr_o
);
  logic [FAddrW:0] i_q, i_d;
  logic [15:0]     j_q, j_d, ky_q, ky_d, kx_q, kx_d, p_q, p_d, fetch_q, fetch_d;
  logic            last_pass;

  assign last_pass   = p_q == cfg_passes_i - 16'd1;
  assign issue_o     = active_i && fetch_q == (last_pass ? cfg_fetch_last_i : cfg_fetch_full_i);
  assign last_item_o = issue_o && 32'(i_q) + 1 == 32'(count_i) && j_q == taps_i - 16'd1 && last_pass;
  assign idx_o       = i_q[FAddrW-1:0];

  always_comb begin
    fetch_d = fetch_q;
    i_d     = i_q;
    j_d     = j_q;
    ky_d    = ky_q;
    kx_d    = kx_q;
    p_d     = p_q;
    if (active_i) begin
      if (!issue_o) begin
        fetch_d = fetch_q + 16'd1;
      end else begin
        fetch_d = 16'd1;
        if (last_item_o) begin
          i_d  = '0;
          j_d  = '0;
          ky_d = '0;
          kx_d = '0;
          p_d  = '0;
        end else if (!last_pass) begin
          p_d = p_q + 16'd1;
        end else begin
          p_d = '0;
          if (j_q != taps_i - 16'd1) begin
            j_d = j_q + 16'd1;
            if (kx_q == cfg_kernel_i - 16'd1) begin
              kx_d = '0;
              ky_d = ky_q + 16'd1;
            end else begin
              kx_d = kx_q + 16'd1;
            end
          end else begin
            j_d  = '0;
            ky_d = '0;
            kx_d = '0;
            i_d  = i_q + 1'b1;
          end
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fetch_q <= 16'd1;
      i_q     <= '0;
      j_q     <= '0;
      ky_q    <= '0;
      kx_q    <= '0;
      p_q     <= '0;
    end else begin
      fetch_q <= fetch_d;
      i_q     <= i_d;
      j_q     <= j_d;
      ky_q    <= ky_d;
      kx_q    <= kx_d;
      p_q     <= p_d;
    end
  end

  // ---- the item's input position and output position
  logic [15:0] iy, ix, ny, nx, oy, ox, ry, rx;
  assign ny = iy + cfg_pad_i - ky_q;   // negative values wrap above full_h*stride
  assign nx = ix + cfg_pad_i - kx_q;
  if (Fixed) begin : g_const_div
    snn_div_const #(.N(16), .D(InW)) u_in_w (.a_i(spike_addr_i), .q_o(iy), .r_o(ix));
    snn_div_const #(.N(16), .D(Stride)) u_stride_y (.a_i(ny), .q_o(oy), .r_o(ry));
    snn_div_const #(.N(16), .D(Stride)) u_stride_x (.a_i(nx), .q_o(ox), .r_o(rx));
    // Waiver: the constants are the configuration words; the decoders use them.
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused;
    assign unused = ^{cfg_in_w_i, cfg_stride_i};
    /* verilator lint_on UNUSEDSIGNAL */
  end else begin : g_run_div
    always_comb begin
      iy = cfg_in_w_i == 16'd0 ? 16'd0 : spike_addr_i / cfg_in_w_i;
      ix = cfg_in_w_i == 16'd0 ? 16'd0 : spike_addr_i % cfg_in_w_i;
      oy = cfg_stride_i == 16'd0 ? 16'd0 : ny / cfg_stride_i;
      ox = cfg_stride_i == 16'd0 ? 16'd0 : nx / cfg_stride_i;
      ry = cfg_stride_i == 16'd0 ? 16'd0 : ny % cfg_stride_i;
      rx = cfg_stride_i == 16'd0 ? 16'd0 : nx % cfg_stride_i;
    end
  end

  logic        tap_valid;
  logic [31:0] w_row;
  // Waiver: 32-bit arithmetic; the address fits the accumulator RAM by construction.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0] acc_addr;
  /* verilator lint_on UNUSEDSIGNAL */
  always_comb begin
    if (cfg_conv_i) begin
      tap_valid = iy + cfg_pad_i >= ky_q && ix + cfg_pad_i >= kx_q && cfg_stride_i != 16'd0 &&
                  ry == 16'd0 && rx == 16'd0 && oy < cfg_full_h_i && ox < cfg_full_w_i;
      w_row     = 32'(frame_i) * 32'(taps_i) + 32'(j_q);
      acc_addr  = 32'(p_q) * full_pos_i + 32'(oy) * 32'(cfg_full_w_i) + 32'(ox);
    end else begin
      tap_valid = 1'b1;
      w_row     = 32'(spike_addr_i);
      acc_addr  = 32'(p_q);
    end
    w_addr_o   = WAddrW'(32'(p_q) * 32'(cfg_rows_i) + w_row);
    acc_addr_o = AAddrW'(acc_addr);
    for (int k = 0; k < Lanes; k++) begin
      lanes_o[k] = tap_valid && 32'(k) < 32'(cfg_lanes_i) &&
                   32'(p_q) * 32'(cfg_lanes_i) + 32'(k) < 32'(cfg_oc_i);
    end
  end
endmodule
