// One read port, one write port RAM with a registered read and a run-time read latency.
// The array has no reset and is read into a register, so synthesis infers block RAM;
// latencies above one add pipeline registers behind the RAM output (docs/rtl.md §2).
// A read and a write of the same address in one cycle return the old word (read-first),
// which the event control relies on for clear-on-read. en_i low freezes the read pipeline
// (the output-register clock enable of a block RAM): the neuron cores stall as a whole.
module snn_ram_1r1w #(
  parameter int unsigned Width      = 32,
  parameter int unsigned Depth      = 64,
  parameter int unsigned MaxLatency = 4
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,
  // 1 .. MaxLatency; change only while no read is in flight
  input  logic [$clog2(MaxLatency+1)-1:0] latency_i,
  input  logic                           en_i,
  input  logic                           re_i,
  input  logic [$clog2(Depth)-1:0]       raddr_i,
  output logic                           rvalid_o,
  output logic [Width-1:0]               rdata_o,
  input  logic                           we_i,
  input  logic [$clog2(Depth)-1:0]       waddr_i,
  input  logic [Width-1:0]               wdata_i
);
  logic [Width-1:0]      mem_q  [Depth];
  logic [Width-1:0]      data_q [MaxLatency];
  logic [MaxLatency-1:0] valid_q;

  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
    if (en_i) begin
      if (re_i) data_q[0] <= mem_q[raddr_i];
      for (int unsigned i = 1; i < MaxLatency; i++) data_q[i] <= data_q[i-1];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else if (en_i) begin
      valid_q[0] <= re_i;
      for (int unsigned i = 1; i < MaxLatency; i++) valid_q[i] <= valid_q[i-1];
    end
  end

  // Output tap chosen at run time; an out-of-range latency reads nothing.
  always_comb begin
    rdata_o  = '0;
    rvalid_o = 1'b0;
    for (int unsigned i = 0; i < MaxLatency; i++) begin
      if (32'(latency_i) == i + 1) begin
        rdata_o  = data_q[i];
        rvalid_o = valid_q[i];
      end
    end
  end
endmodule
