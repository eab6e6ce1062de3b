/**
 * Ad-hoc commands as plain data: what a command is, what one step of it
 * answers, and the domain errors of the session core. No XML here; the
 * adapter renders these, and Prosody's mod_adhoc is the model (handlers
 * return `{status, note?, form?}`, one renderer owns `<command/>`).
 *
 * References: XEP-0050 §3.4 (status, actions), §4.3 (notes), §4.6 (errors).
 */
import type { DataForm, FormValues } from "../forms/data-form.js";
import type { Clock } from "../clock.js";
import { COMMAND_NODE_PREFIX } from "../../protocol/namespaces.js";

/** Who runs a command, decided from the bare JID alone (PROTOCOL.md §10). */
export interface CommandInvoker {
  /** Bare JID, lower case. */
  jid: string;
  admin: boolean;
}

export type NoteType = "info" | "warn" | "error";
export interface Note {
  type: NoteType;
  text: string;
}

/** The actions a client may send next (XEP-0050 §3.4); `execute` names the default. */
export type StageAction = "next" | "prev" | "complete";
export interface StageActions {
  execute: StageAction;
  allowed: StageAction[];
}

export interface Completed {
  status: "completed";
  note?: Note;
  form?: DataForm;
}

export interface Executing<S> {
  status: "executing";
  form: DataForm;
  actions: StageActions;
  note?: Note;
  /** What the session keeps between stages; never a secret. */
  state: S;
}

/** A handler refuses with "forbidden" when a submission reaches beyond what the actor may touch. */
export type Step<S> = Completed | Executing<S> | "forbidden";

export interface CommandDef<S = unknown> {
  /** The part after `#` in the node `urn:xmpp:xsmtp:0#<name>`. */
  name: string;
  /** A human name for disco items and form titles. */
  title: string;
  /** Whether a user of a user domain may run it for itself when self-service is on. */
  selfService: boolean;
  start(actor: CommandInvoker): Promise<Step<S>>;
  advance(actor: CommandInvoker, state: S, action: StageAction, form: FormValues | null): Promise<Step<S>>;
}

/** The session core's domain errors; the adapter maps each to a wire error in one table. */
export type CommandError =
  | "item-not-found"
  | "forbidden"
  | "bad-sessionid"
  | "session-expired"
  | "malformed-action"
  | "bad-action"
  | "too-many-sessions";

export interface CommandReply {
  node: string;
  sessionId: string;
  status: "executing" | "completed" | "canceled";
  actions?: StageActions;
  note?: Note;
  form?: DataForm;
}

export interface CommandRequest {
  /** Full JID of the requester; a session belongs to exactly this JID. */
  from: string;
  node: string;
  /** The raw `action` attribute; undefined means execute. */
  action?: string;
  sessionId?: string;
  form: FormValues | null;
}

export interface SessionLimits {
  clock: Clock;
  timeoutS: number;
  /** Live sessions in all; past it new sessions are refused. */
  maxSessions?: number;
  /** Live sessions of one bare JID; past it its oldest is dropped. */
  maxPerActor?: number;
  /** Session ids; random by default, injectable for tests. */
  newId?: () => string;
}

export const nodeOf = (name: string) => COMMAND_NODE_PREFIX + name;
