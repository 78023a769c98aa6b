// Division by an elaboration-time constant without a divider (docs/rtl.md §2). A power of
// two is a shift and a mask; any other divisor is an exact reciprocal multiply,
// floor(a/D) = (a*M) >> (N+L) with L = ceil(log2 D) and M = ceil(2^(N+L)/D), exact for
// every a < 2^N; the remainder is a - floor(a/D)*D. D = 0 gives 0 and 0. N <= 30.
module snn_div_const #(
  parameter int unsigned N = 16,
  parameter int unsigned D = 3
) (
  input  logic [N-1:0] a_i,
  output logic [N-1:0] q_o,
  output logic [N-1:0] r_o
);
  localparam int unsigned L    = D <= 1 ? 0 : $clog2(D);
  localparam bit          Pow2 = D != 0 && (D & (D - 1)) == 0;

  if (D == 0) begin : g_zero
    // Waiver: a division by zero is defined as 0 here, the dividend is not needed.
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused;
    assign unused = ^a_i;
    /* verilator lint_on UNUSEDSIGNAL */
    assign q_o = '0;
    assign r_o = '0;
  end else if (Pow2) begin : g_shift
    assign q_o = a_i >> L;
    assign r_o = a_i & N'(D - 1);
  end else begin : g_recip
    localparam longint unsigned M = ((64'd1 << (N + L)) + 64'(D) - 64'd1) / 64'(D);
    localparam int unsigned     PW = 2 * N + 2;
    // Waiver: only the bits above N+L of the product are the quotient.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [PW-1:0] prod;
    /* verilator lint_on UNUSEDSIGNAL */
    assign prod = PW'(a_i) * PW'(M);
    assign q_o  = N'(prod >> (N + L));
    assign r_o  = a_i - N'(q_o * N'(D));
  end
endmodule
