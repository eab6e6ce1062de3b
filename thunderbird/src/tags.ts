/**
 * Tags a checked message `XSMTP pass`, `XSMTP fail` or `XSMTP not signed`,
 * so verdicts can be searched and filtered. An unaligned pass is tagged
 * fail: a tag must never make it look like a pass. A message that could
 * not be checked keeps no XSMTP tag. The reader's other tags are kept.
 *
 * References: Thunderbird messages.tags / messages.update API;
 * THUNDERBIRD.md (permissions messagesTags, messagesTagsList, messagesUpdate).
 */
import type { Messenger } from "./messenger-types.js";
import type { VerdictState } from "./verdict.js";

export const XSMTP_TAGS = {
  pass: { key: "xsmtp_pass", tag: "XSMTP pass", color: "#1A7F37" },
  fail: { key: "xsmtp_fail", tag: "XSMTP fail", color: "#CF222E" },
  unsigned: { key: "xsmtp_not_signed", tag: "XSMTP not signed", color: "#6E7781" },
} as const;

const OURS = new Set<string>(Object.values(XSMTP_TAGS).map((t) => t.key));

export function tagFor(state: VerdictState): string | undefined {
  if (state === "pass") return XSMTP_TAGS.pass.key;
  if (state === "fail" || state === "unaligned") return XSMTP_TAGS.fail.key;
  if (state === "unsigned") return XSMTP_TAGS.unsigned.key;
  return undefined;
}

/** Creates the three tags once; Thunderbird keeps them across restarts. */
export async function ensureTags(messages: Messenger["messages"]): Promise<void> {
  if (!messages.tags) return;
  const existing = new Set((await messages.tags.list()).map((t) => t.key));
  for (const t of Object.values(XSMTP_TAGS)) {
    if (!existing.has(t.key)) await messages.tags.create(t.key, t.tag, t.color);
  }
}

export async function tagMessage(messages: Messenger["messages"], messageId: number, state: VerdictState): Promise<void> {
  const wanted = tagFor(state);
  if (!wanted || !messages.update) return;
  const current = (await messages.get(messageId)).tags ?? [];
  const next = [...current.filter((key) => !OURS.has(key)), wanted];
  if (next.length !== current.length || !current.includes(wanted)) await messages.update(messageId, { tags: next });
}
