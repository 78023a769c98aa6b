// An engine's input spike memory with its event control unit, as the layer engine uses
// them. The load port writes whole words (ChunkW bits of one frame) while the unit is idle;
// the event control clears every word it reads through the same write port.
module snn_event_control_unit #(
  parameter int unsigned ChunkW     = 32,
  parameter int unsigned Words      = 256,
  parameter int unsigned MaxLatency = 4,
  parameter int unsigned AddrW      = 16
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  input  logic [$clog2(MaxLatency+1)-1:0] latency_i,
  input  logic [$clog2(Words)-1:0]        chunks_i,
  input  logic                            load_valid_i,
  input  logic [$clog2(Words)-1:0]        load_addr_i,
  input  logic [ChunkW-1:0]               load_data_i,
  input  logic                            cmd_valid_i,
  output logic                            cmd_ready_o,
  input  logic [$clog2(Words)-1:0]        base_i,
  output logic                            addr_valid_o,
  output logic [AddrW-1:0]                addr_o,
  output logic                            done_o
);
  localparam int unsigned WordAddrW = $clog2(Words);

  logic                 re, rvalid, clr;
  logic [WordAddrW-1:0] raddr, clr_addr;
  logic [ChunkW-1:0]    rdata;

  snn_ram_1r1w #(
    .Width      (ChunkW),
    .Depth      (Words),
    .MaxLatency (MaxLatency)
  ) u_spike_ram (
    .clk_i,
    .rst_ni,
    .latency_i,
    .en_i     (1'b1),
    .re_i     (re),
    .raddr_i  (raddr),
    .rvalid_o (rvalid),
    .rdata_o  (rdata),
    .we_i     (clr || load_valid_i),
    .waddr_i  (clr ? clr_addr : load_addr_i),
    .wdata_i  (clr ? '0 : load_data_i)
  );

  snn_event_control #(
    .ChunkW     (ChunkW),
    .WordAddrW  (WordAddrW),
    .MaxLatency (MaxLatency),
    .AddrW      (AddrW)
  ) u_event_control (
    .clk_i,
    .rst_ni,
    .chunks_i,
    .cmd_valid_i,
    .cmd_ready_o,
    .base_i,
    .re_o         (re),
    .raddr_o      (raddr),
    .rvalid_i     (rvalid),
    .rdata_i      (rdata),
    .clr_o        (clr),
    .clr_addr_o   (clr_addr),
    .addr_valid_o,
    .addr_o,
    .done_o
  );
endmodule
