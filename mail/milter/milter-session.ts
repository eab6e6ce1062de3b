/**
 * One milter connection as a state machine without sockets: it takes decoded
 * commands in order and returns the bytes to send back, and whether to close.
 * Several messages share a connection; ABORT forgets the message, not the
 * client; a command out of place is an error that closes this connection only.
 *
 * References: Postfix src/milter/milter8.c (event order, ABORT/QUIT from
 * milter8_abort and milter8_disc_event, replies read per event); libmilter
 * engine.c (state table, QUIT_NC back to connect); draft-adams-milter-protocol.
 */
import type { MilterCommand } from "./milter-messages.js";
import { DEFAULT_LIMITS, envelopeAddress, MessageState } from "./milter-message.js";
import { expectsReply, GATEWAY_WANTS, negotiate, type Negotiated } from "./milter-negotiation.js";
import type { SessionOptions, SessionOutput } from "./milter-policy.js";
import { encodeContinue, encodeOptionReply } from "./milter-responses.js";
import { encodeDecision, encodeFallback, type MilterDecision } from "./milter-decision.js";

export type { MilterPolicy, SessionOptions, SessionOutput } from "./milter-policy.js";

const TEMPFAIL: MilterDecision = { verdict: { type: "tempfail" } };

type Phase = "negotiate" | "reconnect" | "connect" | "idle" | "envelope" | "content" | "closed";

// Commands and the phases in which they may come; OPTNEG, MACRO, ABORT and QUIT are handled before.
const CONTENT: readonly Phase[] = ["envelope", "content"];
const ALLOWED: Record<string, readonly Phase[]> = {
  connect: ["connect", "reconnect"], mail: ["idle"], helo: ["idle", "envelope"], unknown: ["idle", "envelope"],
  rcpt: ["envelope"], data: ["envelope"], header: CONTENT, eoh: CONTENT, body: CONTENT, bodyEnd: CONTENT,
};

export class MilterSession {
  private phase: Phase = "negotiate";
  private negotiated: Negotiated | undefined;
  private readonly state: MessageState;
  private bodyFailure: unknown;

  constructor(private readonly options: SessionOptions) {
    this.state = new MessageState(options.limits ?? DEFAULT_LIMITS);
  }

  get closed(): boolean {
    return this.phase === "closed";
  }

  async handle(command: MilterCommand): Promise<SessionOutput> {
    if (this.phase === "closed") return this.fail(`${command.kind} after the connection was closed`);
    switch (command.kind) {
      case "optneg":
        return this.optionNegotiation(command);
      case "quit":
        this.phase = "closed";
        return { replies: [], close: "quit" };
      case "quitNewConnection":
        this.resetMessage();
        this.state.resetConnection();
        // libmilter goes back to waiting for CONNECT; an MTA may also renegotiate first.
        if (this.phase !== "negotiate") this.phase = "reconnect";
        return { replies: [] };
      case "abort":
        this.resetMessage();
        if (this.phase === "envelope" || this.phase === "content") this.phase = "idle";
        return { replies: [] };
      case "macro":
        if (this.phase === "negotiate") return this.fail("MACRO before option negotiation");
        this.state.setMacros(command.stage, command.macros);
        return { replies: [] };
    }
    if (!ALLOWED[command.kind].includes(this.phase)) return this.fail(`${command.kind} not allowed while ${this.phase}`);
    if (command.kind === "bodyEnd") return this.endOfMessage(command.chunk);
    await this.record(command);
    return { replies: expectsReply(command.kind, this.negotiated!.protocol) ? [encodeContinue()] : [] };
  }

  private optionNegotiation(offer: Extract<MilterCommand, { kind: "optneg" }>): SessionOutput {
    if (this.phase !== "negotiate" && this.phase !== "reconnect") return this.fail("OPTNEG a second time");
    const result = negotiate(offer, this.options.wants ?? GATEWAY_WANTS);
    if (typeof result === "string") return this.fail(result);
    this.negotiated = result.negotiated;
    this.phase = "connect";
    return { replies: [encodeOptionReply(result.reply)] };
  }

  private async record(command: MilterCommand): Promise<void> {
    const state = this.state;
    switch (command.kind) {
      case "connect":
        state.client = { hostname: command.hostname, family: command.family, port: command.port, address: command.address };
        this.phase = "idle";
        return;
      case "mail": // no reset here: the message was reset at its start, and MAIL's macros came just before
        state.sender = envelopeAddress(command.args, state.takeLatestMacros("M"));
        this.phase = "envelope";
        return;
      case "rcpt":
        state.recipients.push(envelopeAddress(command.args, state.takeLatestMacros("R")));
        return;
      case "header":
        state.addHeader({ name: command.name, value: command.value, raw: command.raw });
        this.phase = "content";
        return;
      case "body":
        this.phase = "content";
        return this.takeBody(command.chunk);
      default:
        return; // helo, data, unknown, eoh: nothing the gateway keeps
    }
  }

  // A failing bodyChunk callback is remembered, not thrown: the message ends with the fallback.
  private async takeBody(chunk: Buffer): Promise<void> {
    const callback = this.options.policy.bodyChunk;
    if (chunk.length === 0 || this.bodyFailure !== undefined) return;
    this.state.addBody(chunk, callback === undefined);
    try {
      if (callback) await callback.call(this.options.policy, chunk, this.state);
    } catch (error) {
      this.bodyFailure = error ?? new Error("bodyChunk failed");
    }
  }

  private async endOfMessage(lastChunk: Buffer): Promise<SessionOutput> {
    const output: SessionOutput = { replies: [] };
    let decision: MilterDecision;
    try {
      await this.takeBody(lastChunk);
      if (this.bodyFailure !== undefined) throw this.bodyFailure;
      decision = await this.options.policy.endOfMessage(this.state);
    } catch (error) {
      output.policyError = error ?? new Error("policy failed");
      decision = this.options.onPolicyError ?? TEMPFAIL;
    }
    const encoded = encodeDecision(decision, this.negotiated!);
    if (typeof encoded === "string") output.policyError = new Error(`policy decision refused: ${encoded}`);
    output.replies = typeof encoded === "string" ? encodeFallback(this.options.onPolicyError, this.negotiated!) : encoded;
    this.resetMessage();
    this.phase = "idle";
    return output;
  }

  private resetMessage(): void {
    this.state.resetMessage();
    this.bodyFailure = undefined;
  }

  private fail(error: string): SessionOutput {
    this.phase = "closed";
    return { replies: [], close: "error", error };
  }
}
