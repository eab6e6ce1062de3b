/**
 * list-users (PROTOCOL.md §8): enrolled users in JID order, one page of
 * `pageSize` at a time. Each page is a stage of the session, so next and prev
 * page through, and complete ends it with the page shown. The session keeps
 * only cursors, never the list.
 *
 * References: XEP-0050 §3.4 (multi-stage, next/prev/complete), XEP-0004 §3.3 (jid-multi).
 */
import type { DataForm } from "../forms/data-form.js";
import type { IdentityCore } from "../keys/identity-core.js";
import type { CommandDef, Completed, Note, Step, StageAction } from "./command-types.js";
import { nodeOf } from "./command-types.js";

interface Pages {
  /** The `after` cursor of each page seen; the last is the page shown. */
  cursors: string[];
  /** The cursor of the next page, if there is one. */
  next?: string;
}

export function listUsers(core: IdentityCore, pageSize = 50): CommandDef<Pages> {
  const render = async (cursors: string[]): Promise<{ form: DataForm; note: Note; next?: string }> => {
    // One more than a page tells whether there is a next page.
    const users = await core.listUsers(cursors.at(-1)!, pageSize + 1);
    const shown = users.slice(0, pageSize);
    const first = (cursors.length - 1) * pageSize + 1;
    const span = shown.length ? `${first}-${first + shown.length - 1} of ${(await core.counts()).users}` : "none";
    return {
      form: {
        type: "result",
        formType: nodeOf("list-users"),
        title: `Enrolled users: ${span}`,
        fields: [{ var: "users", type: "jid-multi", label: "Users", values: shown }],
      },
      note: { type: "info", text: `Users ${span}.` },
      next: users.length > pageSize ? shown.at(-1) : undefined,
    };
  };

  const page = async (cursors: string[]): Promise<Step<Pages>> => {
    const { form, note, next } = await render(cursors);
    // A single page needs no session to page through.
    if (next === undefined && cursors.length === 1) return { status: "completed", form, note };
    const allowed: StageAction[] = [];
    if (cursors.length > 1) allowed.push("prev");
    if (next !== undefined) allowed.push("next");
    allowed.push("complete");
    return { status: "executing", form, note, actions: { execute: next !== undefined ? "next" : "complete", allowed }, state: { cursors, next } };
  };

  return {
    name: "list-users",
    title: "List enrolled users",
    selfService: false,
    start: () => page([""]),
    async advance(_actor, state, action): Promise<Step<Pages>> {
      if (action === "next") return page([...state.cursors, state.next!]);
      if (action === "prev") return page(state.cursors.slice(0, -1));
      const { form, note } = await render(state.cursors);
      return { status: "completed", form, note } satisfies Completed;
    },
  };
}
