// Phase control of a layer engine's core array (docs/rtl.md §2, hardware.md §3.5): idle,
// accumulate of one compressed frame and its drain, activation of one step and its drain.
// An accumulate starts when the cores are idle and the oldest compressed non-empty frame
// belongs to the step under activation; an activation of step t starts when the cores are
// idle, every frame of t is compressed and accumulated and t < out_steps_free. A phase's
// first cycle is the cycle it is decided in. The activation drain holds while frozen.
module snn_core_ctrl #(
  parameter int unsigned LatW = 3
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            start_i,
  input  logic            run_en_i,           // the router takes this cycle's spikes
  input  logic [7:0]      cfg_steps_i,
  input  logic [LatW-1:0] cfg_lat_w_i,
  input  logic [LatW-1:0] cfg_lat_m_i,
  input  logic [7:0]      out_steps_free_i,
  input  logic            running_i,
  input  logic [7:0]      compressed_steps_i,
  input  logic            head_valid_i,
  input  logic [7:0]      head_step_i,
  input  logic            acc_last_item_i,    // the accumulate issues its last item
  input  logic            act_last_slot_i,    // the activation issues its last read
  output logic            idle_o,
  output logic            start_acc_o,
  output logic            acc_active_o,       // accumulate items may issue
  output logic            acc_state_o,        // accumulate or its drain
  output logic            act_phase_o,        // activation or its drain
  output logic            act_slots_o,        // activation slots may issue
  output logic            release_o,          // last cycle of an accumulate drain
  output logic            step_done_o,        // last cycle of an activation
  output logic            sample_end_o,       // ... of the sample's last step
  output logic [7:0]      act_t_o             // step under activation
);
  typedef enum logic [2:0] {CoreIdle, CoreAcc, CoreAccDrain, CoreAct, CoreActDrain} core_state_e;
  core_state_e core_q, core_d;
  logic [15:0] drain_q, drain_d;
  logic [7:0]  act_t_q, act_t_d;
  logic        head_now, start_act;

  assign head_now     = head_valid_i && head_step_i == act_t_q;
  assign idle_o       = core_q == CoreIdle;
  assign start_acc_o  = idle_o && head_now;
  assign start_act    = idle_o && running_i && act_t_q < cfg_steps_i && compressed_steps_i > act_t_q &&
                        !head_now && act_t_q < out_steps_free_i;
  assign acc_active_o = core_q == CoreAcc || start_acc_o;
  assign acc_state_o  = core_q == CoreAcc || core_q == CoreAccDrain;
  assign act_phase_o  = core_q == CoreAct || core_q == CoreActDrain || start_act;
  assign act_slots_o  = core_q == CoreAct || start_act;
  assign release_o    = core_q == CoreAccDrain && drain_q == 16'd1;
  assign step_done_o  = core_q == CoreActDrain && run_en_i && drain_q == 16'd1;
  assign sample_end_o = step_done_o && act_t_q + 8'd1 == cfg_steps_i;
  assign act_t_o      = act_t_q;

  always_comb begin
    core_d  = core_q;
    drain_d = drain_q;
    act_t_d = act_t_q;
    if (start_i) act_t_d = '0;
    if (start_acc_o) core_d = CoreAcc;
    if (start_act) core_d = CoreAct;
    if (acc_last_item_i) begin
      core_d  = CoreAccDrain;
      drain_d = 16'(cfg_lat_w_i) + 16'(cfg_lat_m_i);  // the last item's weight read, then its add
    end
    if (core_q == CoreAccDrain) begin
      drain_d = drain_q - 16'd1;
      if (drain_q == 16'd1) core_d = CoreIdle;
    end
    if (act_last_slot_i) begin
      core_d  = CoreActDrain;
      drain_d = 16'(cfg_lat_m_i);
    end
    if (core_q == CoreActDrain && run_en_i) begin
      drain_d = drain_q - 16'd1;
      if (drain_q == 16'd1) begin
        core_d  = CoreIdle;
        act_t_d = act_t_q + 8'd1;
      end
    end
    if (sample_end_o) act_t_d = '0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      core_q  <= CoreIdle;
      drain_q <= '0;
      act_t_q <= '0;
    end else begin
      core_q  <= core_d;
      drain_q <= drain_d;
      act_t_q <= act_t_d;
    end
  end
endmodule
