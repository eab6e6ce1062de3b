/**
 * user-info, set-addresses and unenroll (PROTOCOL.md §8). user-info is
 * self-service; changing which From addresses a user may send as, and
 * removing a user, are for admins only.
 *
 * References: XEP-0050 §4.4, XEP-0004 §3.3 (text-multi), XEP-0082 (times), PROTOCOL.md §8.
 */
import { xep82DateTime } from "../../protocol/datetime.js";
import type { FormField } from "../forms/data-form.js";
import { isAddrSpec, type IdentityCore } from "../keys/identity-core.js";
import { nodeOf } from "./command-types.js";
import { chosenJid, jidOf, keyLine, whoseStage } from "./fields.js";
import { completedWith } from "./identity-failure.js";
import { wizard, type WizardContext } from "./wizard.js";

export function userCommands(core: IdentityCore) {
  const userInfo = wizard({
    name: "user-info",
    title: "Show a user",
    instructions: "Shows a user's enrollment, From addresses and keys (never secrets).",
    selfService: true,
    stages: [whoseStage(core)],
    finish: (ctx) =>
      completedWith(jidOf(ctx), core.info(jidOf(ctx)), ({ jid, enrolledAt, addresses, keys }) => ({
        status: "completed",
        note: { type: "info", text: `${jid} has ${keys.length} key(s).` },
        form: {
          type: "result",
          formType: nodeOf("user-info"),
          fields: [
            { var: "jid", type: "jid-single", label: "JID", values: [jid] },
            { var: "enrolled-since", type: "text-single", label: "Enrolled since", values: [xep82DateTime(enrolledAt)] },
            { var: "addresses", type: "text-multi", label: "From addresses", values: addresses },
            { var: "keys", type: "text-multi", label: "Keys (id, label, state, created)", values: keys.map(keyLine) },
          ],
        },
      })),
  });

  const addressesField = async (ctx: WizardContext): Promise<FormField> => {
    const info = await core.info(jidOf(ctx));
    return {
      var: "addresses",
      type: "text-multi",
      label: "From addresses",
      desc: "One email address a line; the JID's own address always stays.",
      values: typeof info !== "string" ? info.addresses : [],
    };
  };

  const setAddresses = wizard({
    name: "set-addresses",
    title: "Set a user's From addresses",
    instructions: "Replaces the email addresses the user may send as.",
    selfService: false,
    stages: [
      whoseStage(core),
      {
        fields: async (ctx) => [chosenJid(ctx), await addressesField(ctx)],
        check: (ctx) => {
          const bad = (ctx.values.addresses ?? []).find((a) => !isAddrSpec(a));
          return bad === undefined ? undefined : { field: "addresses", problem: `"${bad}" is not a plain email address (user@domain)` };
        },
      },
    ],
    finish: (ctx) =>
      completedWith(jidOf(ctx), core.setAddresses(jidOf(ctx), ctx.values.addresses ?? []), ({ addresses }) => ({
        status: "completed",
        note: { type: "info", text: `${jidOf(ctx)} may now send as ${addresses.join(", ")}.` },
        form: {
          type: "result",
          formType: nodeOf("set-addresses"),
          fields: [{ var: "addresses", type: "text-multi", label: "From addresses", values: addresses }],
        },
      })),
  });

  const unenroll = wizard({
    name: "unenroll",
    title: "Unenroll a user",
    instructions: "Deletes the user's keys and addresses: nothing it signed verifies any more.",
    selfService: false,
    stages: [whoseStage(core)],
    finish: (ctx) =>
      completedWith(jidOf(ctx), core.unenroll(jidOf(ctx)), ({ jid }) => ({ status: "completed", note: { type: "info", text: `Unenrolled ${jid}.` } })),
  });

  return [userInfo, setAddresses, unenroll];
}
