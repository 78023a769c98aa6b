// Event control unit (docs/hardware.md §3.1): compresses one spike frame, stored as words of
// ChunkW bits in the spike memory, into the addresses of its set bits, lowest first.
// A frame accepted in cycle c keeps the unit busy for
//   E = L_spk + chunks + s    cycles (c .. c+E-1; done_o is high in cycle c+E-1):
// L_spk cycles until the first word arrives, one scan cycle per chunk (the word enters the
// priority encoder) and one cycle per set bit (its address leaves on addr_o). Words are
// prefetched into a small FIFO so later chunks never wait for the memory. Every word read
// is cleared in the same cycle (clear-on-read through the write port).
module snn_event_control #(
  parameter int unsigned ChunkW     = 32,
  parameter int unsigned WordAddrW  = 8,
  parameter int unsigned MaxLatency = 4,
  parameter int unsigned AddrW      = 16   // width of a bit address within a frame
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  // run-time configuration (the memory latency lives in the RAM)
  input  logic [WordAddrW-1:0]            chunks_i,     // chunks per frame, >= 1
  // command: compress the frame starting at word base_i
  input  logic                            cmd_valid_i,
  output logic                            cmd_ready_o,
  input  logic [WordAddrW-1:0]            base_i,
  // spike memory
  output logic                            re_o,
  output logic [WordAddrW-1:0]            raddr_o,
  input  logic                            rvalid_i,
  input  logic [ChunkW-1:0]               rdata_i,
  output logic                            clr_o,
  output logic [WordAddrW-1:0]            clr_addr_o,
  // compressed addresses
  output logic                            addr_valid_o,
  output logic [AddrW-1:0]                addr_o,
  output logic                            done_o
);
  localparam int unsigned Slots = MaxLatency + 1;  // words in flight or buffered
  localparam int unsigned SlotW = $clog2(Slots + 1);
  localparam int unsigned IdxW  = $clog2(Slots);       // an index into the buffer
  localparam int unsigned BitW  = ChunkW > 1 ? $clog2(ChunkW) : 1;

  logic                 busy_q, busy_d;
  logic [WordAddrW-1:0] base_q, base_d;
  logic [WordAddrW-1:0] issued_q, issued_d;    // words requested so far
  logic [WordAddrW-1:0] scanned_q, scanned_d;  // words taken into the encoder so far
  logic [SlotW-1:0]     inflight_q, inflight_d;
  logic [ChunkW-1:0]    bits_q, bits_d;
  logic [ChunkW-1:0]    fifo_q [Slots];
  logic [SlotW-1:0]     fifo_count_q, fifo_count_d;
  logic [SlotW-1:0]     fifo_head_q, fifo_head_d;

  logic             starting, active, issue, have_word, scan, emit, last_bit;
  logic [ChunkW-1:0] head_word, bits_next;
  logic [BitW-1:0]  lsb;

  assign cmd_ready_o = !busy_q;
  assign starting    = cmd_valid_i && cmd_ready_o;
  assign active      = busy_q || starting;

  // Head of the prefetch FIFO, falling through when it is empty.
  assign have_word = fifo_count_q != '0 || rvalid_i;
  assign head_word = fifo_count_q != '0 ? fifo_q[IdxW'(fifo_head_q)] : rdata_i;

  // Lowest set bit of the chunk in the encoder.
  always_comb begin
    lsb = '0;
    for (int i = ChunkW - 1; i >= 0; i--) begin
      if (bits_q[i]) lsb = BitW'(i);
    end
  end
  assign bits_next = bits_q & (bits_q - 1'b1);

  assign emit     = busy_q && bits_q != '0;
  assign scan     = busy_q && bits_q == '0 && have_word && scanned_q != chunks_i;
  assign last_bit = emit && bits_next == '0;

  always_comb begin
    done_o = 1'b0;
    if (busy_q && scanned_q == chunks_i && last_bit) done_o = 1'b1;
    if (scan && scanned_q + 1'b1 == chunks_i && head_word == '0) done_o = 1'b1;
  end

  assign addr_valid_o = emit;
  logic [WordAddrW-1:0] chunk_idx;
  assign chunk_idx = scanned_q - 1'b1;
  assign addr_o    = AddrW'(chunk_idx) * AddrW'(ChunkW) + AddrW'(lsb);

  // Requests: one per cycle while words remain and a buffer slot is free for the answer.
  always_comb begin
    logic [WordAddrW-1:0] issued_now;
    issued_now = starting ? '0 : issued_q;
    issue = active && issued_now != chunks_i &&
            32'(inflight_q) + 32'(fifo_count_q) - 32'(scan) < Slots;
    re_o       = issue;
    raddr_o    = (starting ? base_i : base_q) + issued_now;
    clr_o      = issue;
    clr_addr_o = raddr_o;
  end

  always_comb begin
    busy_d       = busy_q;
    base_d       = base_q;
    issued_d     = issued_q;
    scanned_d    = scanned_q;
    bits_d       = bits_q;
    inflight_d   = inflight_q + SlotW'(issue) - SlotW'(rvalid_i);
    fifo_count_d = fifo_count_q;
    fifo_head_d  = fifo_head_q;
    if (starting) begin
      busy_d    = 1'b1;
      base_d    = base_i;
      issued_d  = '0;
      scanned_d = '0;
    end
    if (issue) issued_d = issued_d + 1'b1;
    // A word arriving while the FIFO is empty and being scanned bypasses the FIFO.
    if (rvalid_i && !(scan && fifo_count_q == '0)) fifo_count_d = fifo_count_d + 1'b1;
    if (scan && fifo_count_q != '0) begin
      fifo_count_d = fifo_count_d - 1'b1;
      fifo_head_d  = fifo_head_q == SlotW'(Slots - 1) ? '0 : fifo_head_q + 1'b1;
    end
    if (scan) begin
      bits_d    = head_word;
      scanned_d = scanned_q + 1'b1;
    end else if (emit) begin
      bits_d = bits_next;
    end
    if (done_o) busy_d = 1'b0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q       <= 1'b0;
      base_q       <= '0;
      issued_q     <= '0;
      scanned_q    <= '0;
      inflight_q   <= '0;
      bits_q       <= '0;
      fifo_count_q <= '0;
      fifo_head_q  <= '0;
    end else begin
      busy_q       <= busy_d;
      base_q       <= base_d;
      issued_q     <= issued_d;
      scanned_q    <= scanned_d;
      inflight_q   <= inflight_d;
      bits_q       <= bits_d;
      fifo_count_q <= fifo_count_d;
      fifo_head_q  <= fifo_head_d;
    end
  end

  // Buffer write position: head + count, wrapped.
  logic [SlotW:0] tail_sum;
  // Waiver: the position fits IdxW bits; the count width is one more when Slots is a power of two.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [SlotW-1:0] tail;
  /* verilator lint_on UNUSEDSIGNAL */
  assign tail_sum = {1'b0, fifo_head_q} + {1'b0, fifo_count_q};
  assign tail = tail_sum >= (SlotW+1)'(Slots) ? SlotW'(tail_sum - (SlotW+1)'(Slots)) : SlotW'(tail_sum);
  always_ff @(posedge clk_i) begin
    if (rvalid_i && !(scan && fifo_count_q == '0)) fifo_q[IdxW'(tail)] <= rdata_i;
  end

`ifndef SYNTHESIS
  // A command must stay stable until accepted.
  logic cmd_pending_q;
  logic [WordAddrW-1:0] cmd_base_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cmd_pending_q <= 1'b0;
      cmd_base_q    <= '0;
    end else begin
      cmd_pending_q <= cmd_valid_i && !cmd_ready_o;
      cmd_base_q    <= base_i;
      if (cmd_pending_q) assert (cmd_valid_i && base_i == cmd_base_q);
    end
  end
`endif
endmodule
