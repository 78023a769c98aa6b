// Activation sequencer of a layer engine (docs/rtl.md §2, hardware.md §3.5): one slot
// (pass p, output position (y, x)) per cycle, pass slowest; with current pooling a slot
// takes q = q_k^2 cycles, one accumulator read per window position (py, px), the membrane
// read with the last one. Holds while the cores are frozen.
module snn_act_seq #(
  parameter int unsigned Lanes  = 4,
  parameter int unsigned AAddrW = 14,
  parameter int unsigned MAddrW = 14,
  localparam int unsigned LaneW = $clog2(Lanes + 1)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              slots_i,        // activation slots may issue (also the start cycle)
  input  logic              run_en_i,
  input  logic [15:0]       cfg_out_w_i,
  input  logic [15:0]       cfg_full_w_i,
  input  logic [15:0]       cfg_oc_i,
  input  logic [LaneW-1:0]  cfg_lanes_i,
  input  logic [15:0]       cfg_passes_i,
  input  logic [15:0]       cfg_pool_k_i,   // 0: no current pooling
  input  logic [15:0]       pool_s_i,       // pool stride, 1 without pooling
  input  logic [15:0]       q_reads_i,      // accumulator reads per slot
  input  logic [31:0]       out_pos_i,      // out_h * out_w
  input  logic [31:0]       full_pos_i,     // full_h * full_w
  output logic              issue_o,
  output logic              first_read_o,   // the slot's first accumulator read
  output logic              last_read_o,    // its last one (with the membrane read)
  output logic              last_slot_o,    // issue of the activation's last read
  output logic [Lanes-1:0]  lanes_o,
  output logic [AAddrW-1:0] acc_addr_o,
  output logic [MAddrW-1:0] mem_addr_o,
  output logic [15:0]       p_o,
  output logic [15:0]       pos_o,
  output logic [15:0]       y_o,
  output logic [15:0]       x_o
);
  logic [15:0] p_q, p_d, pos_q, pos_d, y_q, y_d, x_q, x_d, r_q, r_d, py_q, py_d, px_q, px_d;
  logic        last_pos;

  assign issue_o      = slots_i && run_en_i;
  assign first_read_o = r_q == 16'd0;
  assign last_read_o  = r_q == q_reads_i - 16'd1;
  assign last_pos     = 32'(pos_q) == out_pos_i - 32'd1;
  assign last_slot_o  = issue_o && last_pos && p_q == cfg_passes_i - 16'd1 && last_read_o;

  always_comb begin
    p_d   = p_q;
    pos_d = pos_q;
    y_d   = y_q;
    x_d   = x_q;
    r_d   = r_q;
    py_d  = py_q;
    px_d  = px_q;
    if (issue_o && !last_read_o) begin
      r_d = r_q + 16'd1;
      if (px_q == cfg_pool_k_i - 16'd1) begin
        px_d = '0;
        py_d = py_q + 16'd1;
      end else begin
        px_d = px_q + 16'd1;
      end
    end else if (issue_o) begin
      r_d  = '0;
      py_d = '0;
      px_d = '0;
      if (last_slot_o) begin
        p_d   = '0;
        pos_d = '0;
        y_d   = '0;
        x_d   = '0;
      end else if (last_pos) begin
        pos_d = '0;
        y_d   = '0;
        x_d   = '0;
        p_d   = p_q + 16'd1;
      end else begin
        pos_d = pos_q + 16'd1;
        if (x_q == cfg_out_w_i - 16'd1) begin
          x_d = '0;
          y_d = y_q + 16'd1;
        end else begin
          x_d = x_q + 16'd1;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      p_q   <= '0;
      pos_q <= '0;
      y_q   <= '0;
      x_q   <= '0;
      r_q   <= '0;
      py_q  <= '0;
      px_q  <= '0;
    end else begin
      p_q   <= p_d;
      pos_q <= pos_d;
      y_q   <= y_d;
      x_q   <= x_d;
      r_q   <= r_d;
      py_q  <= py_d;
      px_q  <= px_d;
    end
  end

  assign acc_addr_o = AAddrW'(32'(p_q) * full_pos_i +
                              (32'(y_q) * 32'(pool_s_i) + 32'(py_q)) * 32'(cfg_full_w_i) +
                              32'(x_q) * 32'(pool_s_i) + 32'(px_q));
  assign mem_addr_o = MAddrW'(32'(p_q) * out_pos_i + 32'(pos_q));
  always_comb begin
    for (int k = 0; k < Lanes; k++) begin
      lanes_o[k] = 32'(k) < 32'(cfg_lanes_i) && 32'(p_q) * 32'(cfg_lanes_i) + 32'(k) < 32'(cfg_oc_i);
    end
  end
  assign p_o   = p_q;
  assign pos_o = pos_q;
  assign y_o   = y_q;
  assign x_o   = x_q;
endmodule
