// One neuron update of numerics version 1 (docs/numerics.md §2-4), the activate datapath of
// a neuron core lane. Combinational; the lane registers around it. All widths are run-time
// configuration so one build serves every layer:
//   r = m_prev > theta
//   x = sat_acc(acc + bias)
//   D = (decay * m_prev + 2^(f-1)) >>> f ;  I = (gain * x + 2^(f-1)) >>> f   (f = 0: no rounding)
//   u = by reset kind ; v = sat_mem(u) ; s = v > theta
//   m = v, or with reset_delay = 0 the same-step correction by (s - r).
// The 64-bit intermediates match the reference's int64 arithmetic.
module snn_neuron_step (
  // configuration of the layer
  input  logic [1:0]         reset_kind_i,   // 0 none, 1 subtract, 2 zero_decayed, 3 zero_all
  input  logic               reset_delay_i,
  input  logic signed [31:0] decay_i,
  input  logic signed [31:0] threshold_i,
  input  logic signed [31:0] reset_amount_i,
  input  logic [5:0]         acc_bits_i,     // 2 .. 32
  input  logic [5:0]         mem_bits_i,     // 2 .. 32
  input  logic [4:0]         frac_bits_i,    // 0 .. 30
  // this neuron
  input  logic signed [31:0] gain_i,
  input  logic signed [31:0] bias_i,
  input  logic signed [31:0] acc_i,
  input  logic signed [31:0] mem_i,
  output logic signed [31:0] mem_o,
  output logic               spike_o
);
  localparam logic [1:0] ResetNone = 2'd0;
  localparam logic [1:0] ResetSubtract = 2'd1;
  localparam logic [1:0] ResetZeroDecayed = 2'd2;

  function automatic logic signed [63:0] saturate(input logic signed [63:0] v, input logic [5:0] bits);
    logic signed [63:0] hi, lo;
    hi = (64'sd1 <<< (bits - 6'd1)) - 64'sd1;
    lo = -(64'sd1 <<< (bits - 6'd1));
    saturate = v > hi ? hi : (v < lo ? lo : v);
  endfunction

  function automatic logic signed [63:0] mul_round_shift(input logic signed [63:0] a, input logic signed [63:0] b,
                                                         input logic [4:0] f);
    logic signed [63:0] p;
    p = a * b;
    if (f == 5'd0) mul_round_shift = p;
    else mul_round_shift = (p + (64'sd1 <<< (f - 5'd1))) >>> f;
  endfunction

  logic               r, s;
  logic signed [63:0] x, d, i, u, v, amount;
  // Waiver: m is saturated to mem_bits <= 32, so bits 63:32 only repeat the sign.
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [63:0] m;
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [1:0]  correction;

  always_comb begin
    r      = mem_i > threshold_i;
    x      = saturate(64'(acc_i) + 64'(bias_i), acc_bits_i);
    d      = mul_round_shift(64'(decay_i), 64'(mem_i), frac_bits_i);
    i      = mul_round_shift(64'(gain_i), x, frac_bits_i);
    amount = 64'(reset_amount_i);
    unique case (reset_kind_i)
      ResetNone:        u = d + i;
      ResetSubtract:    u = d + i - (r ? amount : 64'sd0);
      ResetZeroDecayed: u = (r ? 64'sd0 : d) + i;
      default:          u = r ? 64'sd0 : d + i;
    endcase
    v = saturate(u, mem_bits_i);
    s = v > 64'(threshold_i);
    m = v;
    correction = (s ? 2'sd1 : 2'sd0) - (r ? 2'sd1 : 2'sd0);
    if (!reset_delay_i) begin
      unique case (reset_kind_i)
        ResetNone:     m = v;
        ResetSubtract: m = saturate(v - 64'(correction) * amount, mem_bits_i);
        default:       m = saturate(v * (64'sd1 - 64'(correction)), mem_bits_i);
      endcase
    end
    mem_o   = 32'(m);
    spike_o = s;
  end
endmodule
