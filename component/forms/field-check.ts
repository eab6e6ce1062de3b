/**
 * Reads one submitted field against the field that was offered, so a form
 * description both renders the form and checks what comes back. A problem is
 * worded for the person who filled the form in; `fieldProblem` names the field.
 *
 * References: XEP-0004 §3.3 (field types: cardinality, fixed/hidden are not
 * edited by the user), §3.4 (required), XEP-0050 §4.4 (forms in commands).
 */
import { parseUserJid } from "../../protocol/jid.js";
import type { FormField } from "./data-form.js";

export type FieldReading = { values: string[] } | { problem: string };

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const SINGLE = new Set(["boolean", "jid-single", "list-single", "text-single", "text-private"]);

/**
 * `submitted` is undefined when the field was left out. Fixed and hidden
 * fields keep the offered value: clients do not send fixed fields back, and
 * what a form offers as unchangeable must not be changed by a submission
 * (callers that care compare with `isTampered`).
 */
export function readField(field: FormField, submitted: string[] | undefined): FieldReading {
  if (field.type === "fixed" || field.type === "hidden") return { values: field.values ?? [] };
  let values = (submitted ?? []).map((v) => v.trim());
  // Clients send a text-multi as one value per line, but some send one value with newlines.
  if (field.type === "text-multi" || field.type === "jid-multi") values = values.flatMap((v) => v.split(/\r?\n/).map((l) => l.trim()));
  values = values.filter((v) => v !== "");
  if (values.length === 0) return field.required ? { problem: "a value is required" } : { values };
  if (SINGLE.has(field.type ?? "text-single") && values.length > 1) return { problem: "takes one value only" };
  if (values.some((v) => CONTROL.test(v))) return { problem: "contains control characters" };
  switch (field.type) {
    case "jid-single":
    case "jid-multi": {
      const bad = values.find((v) => parseUserJid(v) === null);
      if (bad !== undefined) return { problem: `"${bad}" is not a bare JID (user@domain)` };
      return { values: values.map((v) => parseUserJid(v)!) };
    }
    case "list-single":
    case "list-multi": {
      const choices = new Set((field.options ?? []).map((o) => o.value));
      const bad = values.find((v) => !choices.has(v));
      if (bad !== undefined) return { problem: `"${bad}" is not one of the choices` };
      return { values };
    }
    case "boolean":
      if (!["0", "1", "true", "false"].includes(values[0]!)) return { problem: "must be true or false" };
      return { values: [values[0] === "1" || values[0] === "true" ? "true" : "false"] };
    default:
      return { values };
  }
}

/** A submission that changes a fixed or hidden value: a client forging what the form fixed. */
export function isTampered(field: FormField, submitted: string[] | undefined): boolean {
  if (field.type !== "fixed" && field.type !== "hidden") return false;
  if (submitted === undefined) return false;
  const norm = (vs: string[]) => vs.map((v) => v.trim().toLowerCase()).filter(Boolean).join("\n");
  return norm(submitted) !== norm(field.values ?? []);
}

/** A note naming the field a problem is about: `JID: "x" is not a bare JID (user@domain).` */
export function fieldProblem(field: FormField, problem: string): string {
  return `${field.label ?? field.var}: ${problem}.`;
}
