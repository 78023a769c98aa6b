// Address-event FIFO of the spike router (docs/hardware.md §3.4) with run-time depth D and
// drain rate B. Up to MaxLanes packets enter per cycle (the neuron core lanes, lane 0
// first), up to B leave per cycle; a packet leaves at the earliest in the cycle after it
// entered, in order. space_o counts the slots free this cycle, including those freed by
// this cycle's departures, so packet k may enter in the cycle packet k-D leaves:
//   entered_k = max(desired_k, departed_{k-D})
//   departed_k = max(entered_k + 1, departed_{k-1}, departed_{k-B} + 1)
// The producer pushes a prefix of its pending packets (in_count_i <= space_o) and holds
// the rest; the neuron cores stall meanwhile.
// next_o shows the oldest packet left behind this cycle's departures.
module snn_spike_router #(
  parameter int unsigned DataW    = 32,
  parameter int unsigned MaxDepth = 16,
  parameter int unsigned MaxLanes = 4,
  parameter int unsigned MaxRate  = 4
) (
  input  logic                             clk_i,
  input  logic                             rst_ni,
  input  logic [$clog2(MaxDepth+1)-1:0]    depth_i,   // 1 .. MaxDepth
  input  logic [$clog2(MaxRate+1)-1:0]     rate_i,    // 1 .. MaxRate
  output logic [$clog2(MaxDepth+1)-1:0]    space_o,
  input  logic [$clog2(MaxLanes+1)-1:0]    in_count_i,
  input  logic [MaxLanes*DataW-1:0]        in_data_i,
  output logic [$clog2(MaxRate+1)-1:0]     out_count_o,
  output logic [MaxRate*DataW-1:0]         out_data_o,
  output logic [$clog2(MaxDepth+1)-1:0]    occupancy_o,
  // the oldest packet still queued after this cycle's departures (the spike link uses its
  // step to tell which steps have left completely)
  output logic                             next_valid_o,
  output logic [DataW-1:0]                 next_data_o
);
  localparam int unsigned CountW = $clog2(MaxDepth + 1);
  localparam int unsigned IdxW   = MaxDepth > 1 ? $clog2(MaxDepth) : 1;

  logic [DataW-1:0]  buf_q [MaxDepth];
  logic [IdxW-1:0]   head_q, head_d;
  logic [CountW-1:0] count_q, count_d;
  logic [CountW-1:0] pops, kept;

  // (base + offset) mod MaxDepth for offset < MaxDepth
  function automatic logic [IdxW-1:0] wrap(input logic [IdxW-1:0] base, input int unsigned offset);
    int unsigned s;
    s = 32'(base) + offset;
    if (s >= MaxDepth) s = s - MaxDepth;
    wrap = IdxW'(s);
  endfunction

  assign pops        = 32'(count_q) < 32'(rate_i) ? count_q : CountW'(rate_i);
  assign kept        = count_q - pops;
  assign space_o     = depth_i - kept;
  assign out_count_o = ($clog2(MaxRate+1))'(pops);
  assign occupancy_o = count_q;
  assign next_valid_o = kept != '0;
  assign next_data_o  = buf_q[wrap(head_q, 32'(pops))];

  always_comb begin
    out_data_o = '0;
    for (int unsigned j = 0; j < MaxRate; j++) begin
      if (j < 32'(pops)) out_data_o[j*DataW +: DataW] = buf_q[wrap(head_q, j)];
    end
  end

  assign head_d  = wrap(head_q, 32'(pops));
  assign count_d = count_q - pops + CountW'(in_count_i);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      head_q  <= '0;
      count_q <= '0;
    end else begin
      head_q  <= head_d;
      count_q <= count_d;
    end
  end

  always_ff @(posedge clk_i) begin
    for (int unsigned j = 0; j < MaxLanes; j++) begin
      if (j < 32'(in_count_i)) buf_q[wrap(head_d, 32'(kept) + j)] <= in_data_i[j*DataW +: DataW];
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) assert (32'(in_count_i) <= 32'(space_o));
  end
`endif
endmodule
