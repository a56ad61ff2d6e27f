// A stand-in for a network engine with NETWORK.md's exact ports, to test the engine's Verilator
// harness before the real engine exists. It computes no network. It does go through the whole
// protocol:
//   LOAD   reads the blob from WEIGHTS_ADDR over m_axi in bursts of at most 16 beats, cut at 4 KiB
//          boundaries, with the AR requests running ahead of the data (the memory model's limit of
//          8 outstanding reads throttles them), and hashes the words in order: h = h * 31 + word;
//   START  reads the blob again while it takes the 3072 image words (g = g * 31 + word), as an
//          engine that streams its parameters would, then sends logit k = h ^ (g + k), k = 0..99.
// rready and s_axis_tready drop now and then, so that the harness sees stalls on both. A read response
// other than OKAY ends the run as the engine does: ERROR and DONE, BUSY low, no logit; the beats of the
// bursts already asked for are taken and dropped.
// The plusarg +cross4k makes the fixture ignore the 4 KiB rule, +overread read one beat past the blob,
// +ignoreresp take an error response as OKAY
// (the harness must then fail); the first burst has FIRST_BEATS beats, so that a later one meets a
// 4 KiB boundary mid-burst.
/* verilator lint_off SYMRSVDWORD */
module NetFixture #(
    parameter [31:0] BLOB_WORDS = 32'd1501, // odd: the last beat is half padding
    parameter [31:0] CONFIG_WORD = 32'h5414_0510, // norm 1, F 20, N 20, variant 5, lanes 16
    parameter [31:0] WIDTH_WORD = 32'h0000_0020,  // W 32, euler
    parameter [7:0] FIRST_BEATS = 8'd3
) (
    input wire clk,
    input wire resetn,
    input wire [7:0] s_axi_ctrl_awaddr,
    input wire [2:0] s_axi_ctrl_awprot,
    input wire s_axi_ctrl_awvalid,
    output wire s_axi_ctrl_awready,
    input wire [31:0] s_axi_ctrl_wdata,
    input wire [3:0] s_axi_ctrl_wstrb,
    input wire s_axi_ctrl_wvalid,
    output wire s_axi_ctrl_wready,
    output wire [1:0] s_axi_ctrl_bresp,
    output reg s_axi_ctrl_bvalid,
    input wire s_axi_ctrl_bready,
    input wire [7:0] s_axi_ctrl_araddr,
    input wire [2:0] s_axi_ctrl_arprot,
    input wire s_axi_ctrl_arvalid,
    output wire s_axi_ctrl_arready,
    output reg [31:0] s_axi_ctrl_rdata,
    output wire [1:0] s_axi_ctrl_rresp,
    output reg s_axi_ctrl_rvalid,
    input wire s_axi_ctrl_rready,
    input wire [31:0] s_axis_tdata,
    input wire s_axis_tvalid,
    output wire s_axis_tready,
    input wire s_axis_tlast,
    output reg [31:0] m_axis_tdata,
    output reg m_axis_tvalid,
    input wire m_axis_tready,
    output reg m_axis_tlast,
    output wire interrupt,
    output reg [31:0] m_axi_araddr,
    output reg [7:0] m_axi_arlen,
    output wire [2:0] m_axi_arsize,
    output wire [1:0] m_axi_arburst,
    output reg m_axi_arvalid,
    input wire m_axi_arready,
    input wire [63:0] m_axi_rdata,
    input wire [1:0] m_axi_rresp,
    input wire m_axi_rlast,
    input wire m_axi_rvalid,
    output wire m_axi_rready,
    output wire [3:0] m_axi_arcache,
    output wire [2:0] m_axi_arprot
);
    localparam [31:0] BEATS = (BLOB_WORDS + 32'd1) >> 1;
    localparam [11:0] IMAGE_WORDS = 12'd3072;

    reg cross4k, overread, ignoreResp;
    initial ignoreResp = $test$plusargs("ignoreresp") != 0;
    initial cross4k = $test$plusargs("cross4k") != 0;
    initial overread = $test$plusargs("overread") != 0;

    // registers of NETWORK.md
    reg busy, done, loaded, error, ier;
    reg discard;             // after a read error: the outstanding beats are taken and dropped
    reg [31:0] outstanding;  // beats asked for and not yet taken
    reg [31:0] waddr, cycles;
    reg counting;

    // the blob reader
    reg reading;           // a read of the blob is under way
    reg [31:0] issueAt;    // byte offset of the next AR
    reg [31:0] issueLeft;  // beats not yet requested
    reg [31:0] recvLeft;   // beats not yet received
    reg [31:0] wordsIn;    // blob words hashed so far
    reg firstBurst;
    reg [31:0] h;
    reg [2:0] tickCount;   // drops rready one cycle in eight

    // the run
    reg running;
    reg [11:0] imageIn;
    reg [31:0] g;
    reg sending;
    reg [6:0] logit;
    reg [3:0] inTick;      // drops s_axis_tready one cycle in sixteen

    wire awFire = s_axi_ctrl_awvalid && s_axi_ctrl_wvalid && !s_axi_ctrl_bvalid;
    assign s_axi_ctrl_awready = awFire;
    assign s_axi_ctrl_wready = awFire;
    assign s_axi_ctrl_bresp = 2'b00;
    assign s_axi_ctrl_arready = !s_axi_ctrl_rvalid;
    assign s_axi_ctrl_rresp = 2'b00;
    wire arFire = s_axi_ctrl_arvalid && !s_axi_ctrl_rvalid;

    assign interrupt = done && ier;
    assign m_axi_arsize = 3'd3;
    assign m_axi_arburst = 2'b01;
    assign m_axi_arcache = 4'b0011;
    assign m_axi_arprot = 3'b000;
    assign m_axi_rready = reading && tickCount != 3'd7;
    wire rFire = m_axi_rvalid && m_axi_rready;

    assign s_axis_tready = running && imageIn != IMAGE_WORDS && inTick != 4'd15;
    wire inFire = s_axis_tvalid && s_axis_tready;

    // the next burst: FIRST_BEATS first, then 16, never past the blob nor (unless +cross4k) a 4 KiB boundary
    wire [31:0] nextAddr = waddr + issueAt;
    wire [31:0] toBoundary = (32'd4096 - {20'd0, nextAddr[11:0]}) >> 3;
    wire [31:0] want = firstBurst ? {24'd0, FIRST_BEATS} : 32'd16;
    wire [31:0] lenA = want < issueLeft ? want : issueLeft;
    wire [31:0] burstBeats = (!cross4k && toBoundary < lenA) ? toBoundary : lenA;

    wire ctrlWrite = awFire && s_axi_ctrl_awaddr == 8'h00;
    wire startCmd = ctrlWrite && s_axi_ctrl_wdata[0];
    wire loadCmd = ctrlWrite && s_axi_ctrl_wdata[1];
    wire lastLogit = m_axis_tvalid && m_axis_tready && m_axis_tlast;

    // unused inputs of the contract: protections, strobes, rlast
    wire unused = &{1'b0, s_axi_ctrl_awprot, s_axi_ctrl_arprot, s_axi_ctrl_wstrb, m_axi_rlast,
                    s_axi_ctrl_awaddr[1:0]};

    always @(posedge clk) begin
        if (!resetn) begin
            busy <= 1'b0; done <= 1'b0; loaded <= 1'b0; error <= 1'b0; ier <= 1'b0;
            discard <= 1'b0; outstanding <= 32'd0;
            waddr <= 32'd0; cycles <= 32'd0; counting <= 1'b0;
            s_axi_ctrl_bvalid <= 1'b0; s_axi_ctrl_rvalid <= 1'b0; s_axi_ctrl_rdata <= 32'd0;
            reading <= 1'b0; issueAt <= 32'd0; issueLeft <= 32'd0; recvLeft <= 32'd0; wordsIn <= 32'd0;
            firstBurst <= 1'b0; h <= 32'd0; tickCount <= 3'd0;
            m_axi_arvalid <= 1'b0; m_axi_araddr <= 32'd0; m_axi_arlen <= 8'd0;
            running <= 1'b0; imageIn <= 12'd0; g <= 32'd0; sending <= 1'b0; logit <= 7'd0; inTick <= 4'd0;
            m_axis_tvalid <= 1'b0; m_axis_tdata <= 32'd0; m_axis_tlast <= 1'b0;
        end else begin
            tickCount <= tickCount + 3'd1;
            inTick <= inTick + 4'd1;
            if (counting) cycles <= cycles + 32'd1;

            // AXI4-Lite
            if (s_axi_ctrl_bvalid && s_axi_ctrl_bready) s_axi_ctrl_bvalid <= 1'b0;
            if (awFire) begin
                s_axi_ctrl_bvalid <= 1'b1;
                case (s_axi_ctrl_awaddr)
                    8'h20: ier <= s_axi_ctrl_wdata[0];
                    8'h24: waddr <= s_axi_ctrl_wdata;
                    default: ;
                endcase
            end
            if (s_axi_ctrl_rvalid && s_axi_ctrl_rready) s_axi_ctrl_rvalid <= 1'b0;
            if (arFire) begin
                s_axi_ctrl_rvalid <= 1'b1;
                case (s_axi_ctrl_araddr)
                    8'h04: s_axi_ctrl_rdata <= {28'd0, error, loaded, done, busy};
                    8'h14: s_axi_ctrl_rdata <= cycles;
                    8'h18: s_axi_ctrl_rdata <= CONFIG_WORD;
                    8'h1C: s_axi_ctrl_rdata <= WIDTH_WORD;
                    8'h20: s_axi_ctrl_rdata <= {31'd0, ier};
                    8'h24: s_axi_ctrl_rdata <= waddr;
                    8'h28: s_axi_ctrl_rdata <= BLOB_WORDS;
                    default: s_axi_ctrl_rdata <= 32'd0;
                endcase
            end

            // commands: START needs parameters; nothing while BUSY
            if (startCmd || loadCmd) begin
                if (busy || (startCmd && !loaded)) begin
                    error <= 1'b1;
                end else begin
                    error <= 1'b0;
                    busy <= 1'b1;
                    reading <= 1'b1;
                    issueAt <= 32'd0;
                    issueLeft <= BEATS + {31'd0, overread};
                    recvLeft <= BEATS + {31'd0, overread};
                    wordsIn <= 32'd0;
                    firstBurst <= 1'b1;
                    h <= 32'd0;
                    if (startCmd) begin
                        done <= 1'b0;
                        running <= 1'b1;
                        imageIn <= 12'd0;
                        g <= 32'd0;
                        logit <= 7'd0;
                        cycles <= 32'd0;
                        counting <= 1'b1;
                    end else begin
                        loaded <= 1'b0;
                    end
                end
            end

            // AR: one request at a time, held until arready
            outstanding <= outstanding + (m_axi_arvalid && m_axi_arready ? {24'd0, m_axi_arlen} + 32'd1 : 32'd0) - (rFire ? 32'd1 : 32'd0);
            if (m_axi_arvalid && m_axi_arready) begin
                m_axi_arvalid <= 1'b0;
                issueAt <= issueAt + (burstBeats << 3);
                issueLeft <= issueLeft - burstBeats;
                firstBurst <= 1'b0;
            end else if (!m_axi_arvalid && reading && issueLeft != 32'd0) begin
                m_axi_arvalid <= 1'b1;
                m_axi_araddr <= nextAddr;
                m_axi_arlen <= burstBeats[7:0] - 8'd1;
            end

            // R: the low word first, then the high word; an odd blob's last high word is padding
            if (discard) begin
                if (!m_axi_arvalid && outstanding == (rFire ? 32'd1 : 32'd0)) begin
                    discard <= 1'b0;
                    reading <= 1'b0;
                end
            end else if (rFire && m_axi_rresp != 2'b00 && !ignoreResp) begin
                // a read error: the run (or the load) ends without a result
                error <= 1'b1;
                busy <= 1'b0;
                issueLeft <= 32'd0;
                discard <= 1'b1;
                if (running) begin
                    running <= 1'b0;
                    done <= 1'b1;
                    counting <= 1'b0;
                end
            end else if (rFire) begin
                if (wordsIn + 32'd1 < BLOB_WORDS) begin
                    h <= (h * 32'd31 + m_axi_rdata[31:0]) * 32'd31 + m_axi_rdata[63:32];
                    wordsIn <= wordsIn + 32'd2;
                end else begin
                    h <= h * 32'd31 + m_axi_rdata[31:0];
                    wordsIn <= wordsIn + 32'd1;
                end
                recvLeft <= recvLeft - 32'd1;
                if (recvLeft == 32'd1) begin
                    reading <= 1'b0;
                    if (!running) begin
                        loaded <= 1'b1;
                        busy <= 1'b0;
                    end
                end
            end

            // the image; a tlast anywhere but on the last word is an error
            if (inFire) begin
                g <= g * 32'd31 + s_axis_tdata;
                imageIn <= imageIn + 12'd1;
                if (s_axis_tlast != (imageIn == IMAGE_WORDS - 12'd1)) error <= 1'b1;
            end

            // the logits, once the image and the blob are in
            if (running && !sending && !reading && imageIn == IMAGE_WORDS) begin
                sending <= 1'b1;
                m_axis_tvalid <= 1'b1;
                m_axis_tdata <= h ^ g;
                m_axis_tlast <= 1'b0;
                logit <= 7'd0;
            end else if (sending && m_axis_tready) begin
                if (m_axis_tlast) begin
                    sending <= 1'b0;
                    running <= 1'b0;
                    m_axis_tvalid <= 1'b0;
                    m_axis_tlast <= 1'b0;
                    busy <= 1'b0;
                    done <= 1'b1;
                end else begin
                    m_axis_tdata <= h ^ (g + {25'd0, logit} + 32'd1);
                    m_axis_tlast <= logit == 7'd98;
                    logit <= logit + 7'd1;
                end
            end
            if (lastLogit) counting <= 1'b0;
        end
    end
endmodule
