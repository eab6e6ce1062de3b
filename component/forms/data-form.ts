/**
 * XEP-0004 data forms as plain data. Features describe forms with these types
 * (no XML); `render-form.ts` and `parse-form.ts` are the only places that
 * turn them into and out of `<x xmlns='jabber:x:data'/>`.
 *
 * References: XEP-0004 §3 (form types), §3.3 (field types), XEP-0068 (FORM_TYPE).
 */

export type FieldType =
  | "boolean"
  | "fixed"
  | "hidden"
  | "jid-multi"
  | "jid-single"
  | "list-multi"
  | "list-single"
  | "text-multi"
  | "text-private"
  | "text-single";

export interface FormField {
  var?: string;
  type?: FieldType;
  label?: string;
  desc?: string;
  required?: boolean;
  values?: string[];
  options?: { label?: string; value: string }[];
}

export interface DataForm {
  type: "form" | "submit" | "result" | "cancel";
  /** The hidden FORM_TYPE field's value (XEP-0068). */
  formType?: string;
  title?: string;
  instructions?: string;
  fields: FormField[];
}

/** A submitted form's values by field name. */
export type FormValues = Map<string, string[]>;
