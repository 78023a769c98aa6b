// Spike memory of an engine inside the accelerator top (docs/rtl.md §2): the words of the
// 1R1W RAM as a register array, plus SetPorts bit-set ports for the spike link in front of
// the engine. A bit set in cycle c is visible to a read issued in cycle c (the TLM makes
// router writes instantly visible; the link's handshake may release the step in the
// departure cycle itself). The read is read-first against the clear port, and a word that
// is read and cleared in the same cycle as a set keeps none of its bits: the read returned
// them (the only overlap the handshakes allow, see docs/rtl.md §2).
module snn_spike_ram #(
  parameter int unsigned ChunkW     = 32,
  parameter int unsigned Words      = 256,
  parameter int unsigned MaxLatency = 4,
  parameter int unsigned SetPorts   = 4
) (
  input  logic                              clk_i,
  input  logic                              rst_ni,
  input  logic [$clog2(MaxLatency+1)-1:0]   latency_i,
  input  logic                              re_i,
  input  logic [$clog2(Words)-1:0]          raddr_i,
  output logic                              rvalid_o,
  output logic [ChunkW-1:0]                 rdata_o,
  // clear-on-read of the event control
  input  logic                              clr_i,
  input  logic [$clog2(Words)-1:0]          clr_addr_i,
  // whole-word load port
  input  logic                              load_valid_i,
  input  logic [$clog2(Words)-1:0]          load_addr_i,
  input  logic [ChunkW-1:0]                 load_data_i,
  // bit-set ports of the spike link
  input  logic [SetPorts-1:0]               set_valid_i,
  input  logic [SetPorts*$clog2(Words)-1:0] set_addr_i,
  input  logic [SetPorts*$clog2(ChunkW)-1:0] set_bit_i
);
  localparam int unsigned AW = $clog2(Words);
  localparam int unsigned BW = $clog2(ChunkW);

  logic [ChunkW-1:0]     mem_q  [Words];
  logic [ChunkW-1:0]     data_q [MaxLatency];
  logic [MaxLatency-1:0] valid_q;

  logic [AW-1:0]     set_addr [SetPorts];
  logic [ChunkW-1:0] set_word [SetPorts];   // every set of this cycle that hits port j's word
  logic [ChunkW-1:0] set_rd;                // every set of this cycle that hits the read word
  logic [ChunkW-1:0] set_val  [SetPorts];   // new value of port j's word
  always_comb begin
    for (int unsigned j = 0; j < SetPorts; j++) set_addr[j] = set_addr_i[j*AW +: AW];
    set_rd = '0;
    for (int unsigned j = 0; j < SetPorts; j++) begin
      set_word[j] = '0;
      for (int unsigned i = 0; i < SetPorts; i++) begin
        if (set_valid_i[i] && set_addr[i] == set_addr[j]) set_word[j][set_bit_i[i*BW +: BW]] = 1'b1;
      end
      if (set_valid_i[j] && set_addr[j] == raddr_i) set_rd[set_bit_i[j*BW +: BW]] = 1'b1;
    end
    for (int unsigned j = 0; j < SetPorts; j++) begin
      if (clr_i && clr_addr_i == set_addr[j]) set_val[j] = '0;
      else if (load_valid_i && load_addr_i == set_addr[j]) set_val[j] = load_data_i | set_word[j];
      else set_val[j] = mem_q[set_addr[j]] | set_word[j];
    end
  end

  // Ports that write the same word write the same value, so their order does not matter.
  always_ff @(posedge clk_i) begin
    if (clr_i) mem_q[clr_addr_i] <= '0;
    if (load_valid_i) mem_q[load_addr_i] <= load_data_i;
    for (int unsigned j = 0; j < SetPorts; j++) begin
      if (set_valid_i[j]) mem_q[set_addr[j]] <= set_val[j];
    end
    if (re_i) data_q[0] <= mem_q[raddr_i] | set_rd;
    for (int unsigned i = 1; i < MaxLatency; i++) data_q[i] <= data_q[i-1];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      valid_q[0] <= re_i;
      for (int unsigned i = 1; i < MaxLatency; i++) valid_q[i] <= valid_q[i-1];
    end
  end

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
