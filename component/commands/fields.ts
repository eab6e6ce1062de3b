/**
 * The fields and checks the identity commands share: the `jid` field
 * (editable for admins, fixed to the actor's own bare JID for everyone
 * else), the key label, the key choice built from the user's keys, and the
 * checks that turn IdentityCore's domain errors into field problems.
 *
 * References: XEP-0004 §3.3 (jid-single, list-single, fixed), PROTOCOL.md §8.
 */
import { xep82DateTime } from "../../protocol/datetime.js";
import type { FormField } from "../forms/data-form.js";
import type { IdentityCore, KeyInfo } from "../keys/identity-core.js";
import { identityErrorText } from "../keys/identity-errors.js";
import type { CommandInvoker, Completed } from "./command-types.js";
import type { Invalid, WizardContext, WizardStage } from "./wizard.js";

/** A non-admin's `jid` is fixed to itself: PROTOCOL.md §8, "for itself only". */
export function jidField(actor: CommandInvoker): FormField {
  if (!actor.admin) return { var: "jid", type: "fixed", label: "JID", values: [actor.jid] };
  return { var: "jid", type: "jid-single", label: "JID", desc: "The user's bare JID, e.g. alice@example.org", required: true };
}

export const labelField: FormField = {
  var: "label",
  type: "text-single",
  label: "Key label",
  desc: "A name for the key, e.g. the device or gateway that will sign with it",
};

export const jidOf = (ctx: WizardContext): string => ctx.values.jid?.[0] ?? "";
export const one = (ctx: WizardContext, name: string): string => ctx.values[name]?.[0] ?? "";

/** The JID is one this service speaks for (any user, enrolled or not). */
export function serviceable(core: IdentityCore) {
  return (ctx: WizardContext): Invalid | undefined => {
    const checked = core.checkJid(jidOf(ctx));
    return typeof checked !== "string" ? undefined : { field: "jid", problem: `${jidOf(ctx)} ${identityErrorText[checked]}` };
  };
}

/** The JID is enrolled here. */
export function enrolled(core: IdentityCore) {
  return async (ctx: WizardContext): Promise<Invalid | undefined> => {
    const info = await core.info(jidOf(ctx));
    return typeof info !== "string" ? undefined : { field: "jid", problem: `${jidOf(ctx)} ${identityErrorText[info]}` };
  };
}

/** A stage that only asks whose JID (enrolled here): skipped for users, whose JID is fixed. */
export function whoseStage(core: IdentityCore): WizardStage {
  return { fields: (ctx) => [jidField(ctx.actor)], check: enrolled(core) };
}

/** A later stage's own `jid`: shown, but no longer editable. */
export const chosenJid = (ctx: WizardContext): FormField => ({ var: "jid", type: "fixed", label: "JID", values: [jidOf(ctx)] });

/**
 * A list-single of the user's keys that `usable` keeps, with `all` for
 * revoke-key; a Completed with an error note when there is nothing to choose.
 */
export async function keyChoice(
  core: IdentityCore,
  ctx: WizardContext,
  opts: { usable: (k: KeyInfo) => boolean; all?: boolean; none: string },
): Promise<FormField | Completed> {
  const info = await core.info(jidOf(ctx));
  const keys = typeof info !== "string" ? info.keys.filter(opts.usable) : [];
  if (keys.length === 0) return { status: "completed", note: { type: "error", text: `${jidOf(ctx)} ${opts.none}` } };
  const options = keys.map((k) => ({ label: keyLine(k), value: k.keyId }));
  if (opts.all) options.push({ label: "all keys", value: "all" });
  return {
    var: "key-id",
    type: "list-single",
    label: "Key",
    required: true,
    options,
    // Offer the only candidate, but never "all" by default.
    values: !opts.all && keys.length === 1 ? [keys[0]!.keyId] : undefined,
  };
}

/** A later stage that shows the chosen JID and asks which of its keys (see keyChoice). */
export function keyStage(core: IdentityCore, opts: { usable: (k: KeyInfo) => boolean; all?: boolean; none: string }): WizardStage {
  return {
    fields: async (ctx) => {
      const key = await keyChoice(core, ctx, opts);
      return "status" in key ? key : [chosenJid(ctx), key];
    },
  };
}

/** One line a key: id, label, state, created (PROTOCOL.md §8 user-info). */
export function keyLine(k: KeyInfo): string {
  return `${k.keyId}, ${k.label || "(no label)"}, ${k.state}, ${xep82DateTime(k.createdAt)}`;
}
