// A delay line with a run-time length of 1 .. MaxLatency cycles: carries the side
// information of a memory read (address, enables) to the cycle its data arrives. en_i low
// holds it, in step with snn_ram_1r1w's en_i.
module snn_delay #(
  parameter int unsigned Width      = 8,
  parameter int unsigned MaxLatency = 4
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  input  logic [$clog2(MaxLatency+1)-1:0] latency_i,
  input  logic                            en_i,
  input  logic [Width-1:0]                d_i,
  output logic [Width-1:0]                q_o
);
  // stage i at [i*Width +: Width]
  logic [MaxLatency*Width-1:0] stage_q, stage_d;

  if (MaxLatency > 1) begin : g_shift
    assign stage_d = en_i ? {stage_q[(MaxLatency-1)*Width-1:0], d_i} : stage_q;
  end else begin : g_one
    assign stage_d = en_i ? d_i : stage_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stage_q <= '0;
    end else begin
      stage_q <= stage_d;
    end
  end

  always_comb begin
    q_o = '0;
    for (int unsigned i = 0; i < MaxLatency; i++) begin
      if (32'(latency_i) == i + 1) q_o = stage_q[i*Width +: Width];
    end
  end
endmodule
