// Saturating accumulate with read-after-write forwarding (docs/rtl.md §2): the accumulator
// word read L_m cycles ago may be stale when one of the last L_m writes hit the same
// address; the newest such write from a history of the writes of the last MaxLatency
// cycles replaces it, so the saturating adds happen in the reference order. The sum is
// clamped to acc_bits (numerics.md §5).
module snn_acc_forward #(
  parameter int unsigned Lanes      = 4,
  parameter int unsigned AAddrW     = 14,
  parameter int unsigned MaxLatency = 4,
  localparam int unsigned LatW      = $clog2(MaxLatency + 1)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  record_i,     // the cores accumulate: remember this cycle's writes
  input  logic [LatW-1:0]       cfg_lat_m_i,
  input  logic [5:0]            cfg_acc_bits_i,
  input  logic [Lanes-1:0]      we_i,         // lanes whose sum is written this cycle
  input  logic [AAddrW-1:0]     addr_i,       // the address read L_m cycles ago, written now
  input  logic [Lanes*32-1:0]   rdata_i,      // what the read returned
  input  logic [Lanes*16-1:0]   w_i,          // the weights to add
  output logic [Lanes*32-1:0]   sum_o
);
  localparam int unsigned HW = Lanes * 32;

  function automatic logic signed [31:0] sat_add(input logic signed [31:0] a, input logic signed [15:0] w,
                                                 input logic [5:0] bits);
    logic signed [33:0] s, hi, lo;
    s  = 34'(a) + 34'(w);
    hi = (34'sd1 <<< (bits - 6'd1)) - 34'sd1;
    lo = -(34'sd1 <<< (bits - 6'd1));
    sat_add = s > hi ? 32'(hi) : (s < lo ? 32'(lo) : 32'(s));  // clamp to acc_bits (numerics.md §5)
  endfunction

  // Writes of the last MaxLatency cycles, newest at index 0.
  logic [MaxLatency*Lanes-1:0]  hist_we_q, hist_we_d;
  logic [MaxLatency*AAddrW-1:0] hist_addr_q, hist_addr_d;
  logic [MaxLatency*HW-1:0]     hist_data_q, hist_data_d;

  always_comb begin
    for (int k = 0; k < Lanes; k++) begin
      logic signed [31:0] old;
      old = signed'(rdata_i[k*32 +: 32]);
      // oldest first so the newest matching write wins
      for (int h = MaxLatency - 1; h >= 0; h--) begin
        if (32'(h) < 32'(cfg_lat_m_i) && hist_we_q[h*Lanes + k] && hist_addr_q[h*AAddrW +: AAddrW] == addr_i) begin
          old = signed'(hist_data_q[h*HW + k*32 +: 32]);
        end
      end
      sum_o[k*32 +: 32] = sat_add(old, signed'(w_i[k*16 +: 16]), cfg_acc_bits_i);
    end
  end

  if (MaxLatency > 1) begin : g_shift
    assign hist_we_d   = {hist_we_q[(MaxLatency-1)*Lanes-1:0], record_i ? we_i : '0};
    assign hist_addr_d = {hist_addr_q[(MaxLatency-1)*AAddrW-1:0], addr_i};
    assign hist_data_d = {hist_data_q[(MaxLatency-1)*HW-1:0], sum_o};
  end else begin : g_one
    assign hist_we_d   = record_i ? we_i : '0;
    assign hist_addr_d = addr_i;
    assign hist_data_d = sum_o;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      hist_we_q   <= '0;
      hist_addr_q <= '0;
      hist_data_q <= '0;
    end else begin
      hist_we_q   <= hist_we_d;
      hist_addr_q <= hist_addr_d;
      hist_data_q <= hist_data_d;
    end
  end
endmodule
