/**
 * The ad-hoc command session core, without XML: finds the command, checks
 * the requester may run it, keeps each session's stage and state, allows only
 * the actions the stage offers, cancels at any stage, and expires sessions
 * after `timeoutS` idle seconds (by the injected clock). Ended and expired
 * sessions are remembered for one more timeout so that their id answers
 * session-expired rather than bad-sessionid.
 *
 * References: XEP-0050 §3.3 (sessions, sessionid), §3.4 (actions, cancel),
 * §4.6 (bad-sessionid, session-expired, bad-action, malformed-action).
 */
import { randomBytes } from "node:crypto";
import type { CommandInvoker, CommandDef, CommandError, CommandReply, CommandRequest, SessionLimits, StageAction, StageActions, Step } from "./command-types.js";
import { nodeOf } from "./command-types.js";
import type { Permissions } from "./permissions.js";

interface Session {
  id: string;
  node: string;
  from: string;
  actor: string;
  state: unknown;
  /** Null once the session has ended (completed, canceled, refused). */
  actions: StageActions | null;
  expiresAt: number;
  /** The request being handled; the next waits for it. */
  turn: Promise<unknown>;
}

const ACTIONS = new Set(["execute", "next", "prev", "complete", "cancel"]);

export class CommandSessions {
  private readonly commands = new Map<string, CommandDef>();
  private readonly sessions = new Map<string, Session>();
  private readonly max: number;
  private readonly maxPerActor: number;
  private readonly newId: () => string;

  constructor(
    commands: CommandDef[],
    private readonly permits: Permissions,
    private readonly limits: SessionLimits,
  ) {
    for (const c of commands) this.commands.set(nodeOf(c.name), c);
    this.max = limits.maxSessions ?? 1000;
    this.maxPerActor = limits.maxPerActor ?? 10;
    this.newId = limits.newId ?? (() => randomBytes(16).toString("base64url"));
  }

  /** The commands this requester may run, in definition order (for disco#items). */
  available(from: string): CommandDef[] {
    const actor = this.permits.actor(from);
    return [...this.commands.values()].filter((c) => this.permits.mayRun(c, actor));
  }

  /** The command on this node if the requester may run it (disco#info hides the rest). */
  command(node: string, from: string): CommandDef | undefined {
    const command = this.commands.get(node);
    return command && this.permits.mayRun(command, this.permits.actor(from)) ? command : undefined;
  }

  /**
   * One request. Requests for one session are taken in turn (a step may wait
   * for the store), so two stages never run over one state at once.
   */
  handle(request: CommandRequest): Promise<CommandReply | CommandError> {
    const id = request.sessionId;
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session) return this.handleNow(request);
    const turn = session.turn.then(() => this.handleNow(request));
    session.turn = turn.catch(() => undefined);
    return turn;
  }

  private async handleNow(request: CommandRequest): Promise<CommandReply | CommandError> {
    const { node, action = "execute" } = request;
    const command = this.commands.get(node);
    if (!command) return "item-not-found";
    const actor = this.permits.actor(request.from);
    if (!this.permits.mayRun(command, actor)) return "forbidden";
    if (!ACTIONS.has(action)) return "malformed-action";
    if (request.sessionId === undefined) {
      // Only execute starts a session; any other action needs the session it continues.
      if (action !== "execute") return "bad-sessionid";
      return this.begin(command, actor, request.from);
    }
    const session = this.find(request.sessionId, request.from, node);
    if (typeof session === "string") return session;
    if (action === "cancel") {
      this.end(session);
      return { node, sessionId: session.id, status: "canceled" };
    }
    const chosen = (action === "execute" ? session.actions!.execute : action) as StageAction;
    if (!session.actions!.allowed.includes(chosen)) return "bad-action";
    return this.apply(session, await command.advance(actor, session.state, chosen, request.form));
  }

  private async begin(command: CommandDef, actor: CommandInvoker, from: string): Promise<CommandReply | CommandError> {
    this.sweep();
    const live = [...this.sessions.values()].filter((s) => s.actions !== null);
    const mine = live.filter((s) => s.actor === actor.jid);
    if (mine.length >= this.maxPerActor) this.sessions.delete(mine[0]!.id);
    else if (live.length >= this.max) return "too-many-sessions";
    const session: Session = {
      id: this.newId(),
      node: nodeOf(command.name),
      from,
      actor: actor.jid,
      state: undefined,
      actions: null,
      expiresAt: 0,
      turn: Promise.resolve(),
    };
    this.sessions.set(session.id, session);
    return this.apply(session, await command.start(actor));
  }

  private find(id: string, from: string, node: string): Session | CommandError {
    const session = this.sessions.get(id);
    // Someone else's session id is as good as none: it must not be usable or probed.
    if (!session || session.from !== from || session.node !== node) return "bad-sessionid";
    if (session.actions === null) return "session-expired";
    if (this.limits.clock.now() >= session.expiresAt) {
      this.end(session);
      return "session-expired";
    }
    return session;
  }

  private apply(session: Session, step: Step<unknown>): CommandReply | CommandError {
    if (step === "forbidden") {
      this.end(session);
      return "forbidden";
    }
    const reply: CommandReply = { node: session.node, sessionId: session.id, status: step.status, note: step.note, form: step.form };
    if (step.status === "completed") {
      this.end(session);
      return reply;
    }
    session.state = step.state;
    session.actions = step.actions;
    session.expiresAt = this.limits.clock.now() + this.limits.timeoutS * 1000;
    return { ...reply, actions: step.actions };
  }

  /** Keeps the id as a tombstone for one timeout, so late requests hear session-expired. */
  private end(session: Session): void {
    session.actions = null;
    session.state = undefined;
    session.expiresAt = this.limits.clock.now() + this.limits.timeoutS * 1000;
  }

  /** Forgets tombstones past their time and turns idle sessions into tombstones; bounds tombstones too. */
  private sweep(): void {
    const now = this.limits.clock.now();
    for (const s of this.sessions.values()) {
      if (s.actions === null && now >= s.expiresAt) this.sessions.delete(s.id);
      else if (s.actions !== null && now >= s.expiresAt) this.end(s);
    }
    for (const s of this.sessions.values()) {
      if (this.sessions.size <= 2 * this.max) break;
      if (s.actions === null) this.sessions.delete(s.id);
    }
  }
}
