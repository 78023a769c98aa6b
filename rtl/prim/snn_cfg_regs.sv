// Configuration words of a block (docs/rtl.md §2): with Fixed = 0, NumRegs registers of RegW
// bits written through a port (reset 0); with Fixed = 1, the constants FixedCfg (register i at
// [i*RegW +: RegW]), no flip-flops, and writes are ignored.
module snn_cfg_regs #(
  parameter int unsigned          NumRegs  = 34,
  parameter int unsigned          RegW     = 32,
  parameter int unsigned          AddrW    = 32,
  parameter bit                   Fixed    = 1'b0,
  parameter logic [NumRegs*RegW-1:0] FixedCfg = '0
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     we_i,
  input  logic [AddrW-1:0]         addr_i,
  input  logic [RegW-1:0]          data_i,
  output logic [NumRegs*RegW-1:0]  cfg_o
);
  if (Fixed) begin : g_fixed
    // Waiver: a fixed configuration has no registers; its write port is ignored.
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused;
    assign unused = ^{clk_i, rst_ni, we_i, addr_i, data_i};
    /* verilator lint_on UNUSEDSIGNAL */
    assign cfg_o = FixedCfg;
  end else begin : g_regs
    logic [NumRegs*RegW-1:0] cfg_d, cfg_q;
    always_comb begin
      cfg_d = cfg_q;
      for (int unsigned i = 0; i < NumRegs; i++) begin
        if (we_i && 32'(addr_i) == i) cfg_d[i*RegW +: RegW] = data_i;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        cfg_q <= '0;
      end else begin
        cfg_q <= cfg_d;
      end
    end
    assign cfg_o = cfg_q;
  end
endmodule
