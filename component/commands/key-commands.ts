/**
 * enroll, add-key, rotate-key and revoke-key (PROTOCOL.md §8): the same
 * IdentityCore operations as `xsmtp user`, behind forms. A new secret goes
 * into the one result form of the command that created it, as text-single
 * (clients hide text-private values, and the point is to show it); the
 * session keeps nothing of it.
 *
 * References: XEP-0050 §4.4 (result forms), XEP-0004 §3.1 (type result), PROTOCOL.md §8.
 */
import type { DataForm } from "../forms/data-form.js";
import type { IdentityCore, IdentityError, IssuedKey } from "../keys/identity-core.js";
import type { Completed } from "./command-types.js";
import { nodeOf } from "./command-types.js";
import { jidField, jidOf, keyStage, labelField, one, serviceable, whoseStage } from "./fields.js";
import { completedWith } from "./identity-failure.js";
import { wizard, type Invalid } from "./wizard.js";

const SHOWN_ONCE = "Copy the secret into the signer's configuration now: it is not shown again.";

function issued(name: string, jid: string, outcome: Promise<IssuedKey | IdentityError>, what: string): Promise<Completed | Invalid> {
  return completedWith(jid, outcome, (key) => issuedForm(name, key, what));
}

function issuedForm(name: string, key: IssuedKey, what: string): Completed {
  const form: DataForm = {
    type: "result",
    formType: nodeOf(name),
    fields: [
      { var: "jid", type: "jid-single", label: "JID", values: [key.jid] },
      { var: "key-id", type: "text-single", label: "Key id", values: [key.keyId] },
      { var: "secret", type: "text-single", label: "Secret (shown once)", values: [key.secret] },
    ],
  };
  return { status: "completed", form, note: { type: "info", text: `${what} ${key.jid}: key ${key.keyId}. ${SHOWN_ONCE}` } };
}

/**
 * enroll and add-key differ only in the core operation and the words: both
 * ask for a JID this service speaks for and a label, and show the new key.
 */
function issuing(
  core: IdentityCore,
  spec: { name: string; title: string; instructions: string; what: string },
  issue: (jid: string, label: string) => Promise<IssuedKey | IdentityError>,
) {
  return wizard({
    name: spec.name,
    title: spec.title,
    instructions: spec.instructions,
    selfService: true,
    stages: [{ fields: (ctx) => [jidField(ctx.actor), labelField], check: serviceable(core) }],
    finish: (ctx) => issued(spec.name, jidOf(ctx), issue(jidOf(ctx), one(ctx, "label")), spec.what),
  });
}

export function keyCommands(core: IdentityCore) {
  const enroll = issuing(
    core,
    { name: "enroll", title: "Enroll a user", instructions: "Enrolls the JID and creates its first signing key.", what: "Enrolled" },
    (jid, label) => core.enroll(jid, label),
  );

  const addKey = issuing(
    core,
    { name: "add-key", title: "Add a signing key", instructions: "Creates another key for an enrolled user, e.g. for another device.", what: "New key for" },
    (jid, label) => core.addKey(jid, label),
  );

  const rotateKey = wizard({
    name: "rotate-key",
    title: "Rotate a signing key",
    instructions: "Creates a new key with the old key's label; the old key is retired now (mail it signed before still verifies).",
    selfService: true,
    stages: [whoseStage(core), keyStage(core, { usable: (k) => k.state === "active", none: "has no active key to rotate (use add-key)" })],
    finish: (ctx) => issued("rotate-key", jidOf(ctx), core.rotateKey(jidOf(ctx), one(ctx, "key-id")), "Rotated a key of"),
  });

  const revokeKey = wizard({
    name: "revoke-key",
    title: "Revoke a signing key",
    instructions: "Revokes a key, or all keys: nothing signed with it verifies any more.",
    selfService: true,
    stages: [whoseStage(core), keyStage(core, { usable: (k) => k.state !== "revoked", all: true, none: "has no key left to revoke" })],
    finish: (ctx) =>
      completedWith(jidOf(ctx), core.revokeKey(jidOf(ctx), one(ctx, "key-id")), ({ revoked }) => {
        const text = revoked.length ? `Revoked ${revoked.join(", ")} of ${jidOf(ctx)}.` : `Nothing revoked: already revoked.`;
        return { status: "completed", note: { type: "info", text } };
      }),
  });

  return [enroll, addKey, rotateKey, revokeKey];
}
