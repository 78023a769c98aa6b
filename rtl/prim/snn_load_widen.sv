// Spike words wider than the 32-bit load port (ChunkW = 64, 128, ...) arrive as Parts =
// ChunkW/32 consecutive 32-bit parts, address = word * Parts + part, lowest part first; the
// word is written when its last part arrives. Narrower words pass straight through.
module snn_load_widen #(
  parameter int unsigned ChunkW    = 32,
  parameter int unsigned WordAddrW = 12
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 valid_i,
  input  logic [31:0]          addr_i,
  input  logic [31:0]          data_i,
  output logic                 valid_o,
  output logic [WordAddrW-1:0] addr_o,
  output logic [ChunkW-1:0]    data_o
);
  if (ChunkW <= 32) begin : g_direct
    // Waiver: a narrow memory takes the low bits of the port; there is nothing to register.
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused;
    assign unused = ^{clk_i, rst_ni, addr_i, data_i};
    /* verilator lint_on UNUSEDSIGNAL */
    assign valid_o = valid_i;
    assign addr_o  = WordAddrW'(addr_i);
    assign data_o  = ChunkW'(data_i);
  end else begin : g_parts
    localparam int unsigned Parts = ChunkW / 32;
    localparam int unsigned PartW = $clog2(Parts);
    logic [ChunkW-33:0] low_q, low_d;  // the parts below the last one
    logic [PartW-1:0]   part;
    assign part = addr_i[PartW-1:0];
    always_comb begin
      low_d = low_q;
      for (int unsigned p = 0; p + 1 < Parts; p++) begin
        if (valid_i && 32'(part) == p) low_d[p*32 +: 32] = data_i;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        low_q <= '0;
      end else begin
        low_q <= low_d;
      end
    end
    assign valid_o = valid_i && 32'(part) == Parts - 1;
    assign addr_o  = WordAddrW'(addr_i >> PartW);
    assign data_o  = {data_i, low_q};
  end
endmodule
