/**
 * Reads a submitted `<x xmlns='jabber:x:data' type='submit'/>` into field
 * values. Returns null when the element is not a data form at all.
 *
 * References: XEP-0004 §3.1, §3.5 (form submission).
 */
import type xml from "@xmpp/xml";
import type { FormValues } from "./data-form.js";
import { NS_DATA } from "../../protocol/namespaces.js";

export interface SubmittedForm {
  type: string;
  formType?: string;
  values: FormValues;
}

export function parseForm(x: xml.Element | undefined): SubmittedForm | null {
  if (!x || !x.is("x", NS_DATA)) return null;
  const values: FormValues = new Map();
  for (const field of x.getChildren("field")) {
    const name = field.attrs.var;
    if (!name) continue;
    values.set(
      name,
      field.getChildren("value").map((v) => v.text()),
    );
  }
  const formType = values.get("FORM_TYPE")?.[0];
  values.delete("FORM_TYPE");
  return { type: x.attrs.type ?? "", formType, values };
}
