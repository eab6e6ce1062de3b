/**
 * Renders a DataForm as `<x xmlns='jabber:x:data'/>`.
 *
 * References: XEP-0004 §3.1 (form), §3.2 (field), XEP-0068 §3 (FORM_TYPE first, hidden).
 */
import xml from "@xmpp/xml";
import type { DataForm, FormField } from "./data-form.js";
import { NS_DATA } from "../../protocol/namespaces.js";

export function renderForm(form: DataForm): xml.Element {
  const x = xml("x", { xmlns: NS_DATA, type: form.type });
  if (form.title) x.append(xml("title", {}, form.title));
  if (form.instructions) x.append(xml("instructions", {}, form.instructions));
  if (form.formType) x.append(renderField({ var: "FORM_TYPE", type: "hidden", values: [form.formType] }));
  for (const field of form.fields) x.append(renderField(field));
  return x;
}

function renderField(field: FormField): xml.Element {
  const el = xml("field", { var: field.var, type: field.type, label: field.label });
  if (field.desc) el.append(xml("desc", {}, field.desc));
  if (field.required) el.append(xml("required"));
  for (const value of field.values ?? []) el.append(xml("value", {}, value));
  for (const option of field.options ?? []) {
    el.append(xml("option", { label: option.label }, xml("value", {}, option.value)));
  }
  return el;
}
