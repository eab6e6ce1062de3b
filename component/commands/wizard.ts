/**
 * Form commands in stages: each stage is one form description (its fields)
 * used both to render the form and to read the submission back, so the two
 * cannot drift. A stage whose fields are all fixed for this actor (a user's
 * own `jid`) is skipped, except the last, so execute always shows a form.
 * Invalid values bring the same stage back with the values as sent and an
 * error note naming the field; a changed fixed value is refused (forbidden).
 *
 * References: XEP-0050 §3.4 (next/prev/complete, multi-stage), §4.3 (notes),
 * XEP-0004 §3.3 (field types), XEP-0068 (FORM_TYPE).
 */
import type { DataForm, FormField, FormValues } from "../forms/data-form.js";
import { fieldProblem, isTampered, readField } from "../forms/field-check.js";
import type { CommandInvoker, CommandDef, Completed, StageAction, Step } from "./command-types.js";
import { nodeOf } from "./command-types.js";

export type Values = Record<string, string[]>;

export interface WizardContext {
  actor: CommandInvoker;
  /** Values read from earlier stages (and from this one, in `check` and `finish`). */
  values: Values;
}

/** A problem with one field's value, shown as a note on the same form. */
export interface Invalid {
  field: string;
  problem: string;
}

export interface WizardStage {
  /** The fields for this actor and what is known so far; a Completed ends the command here. */
  fields(ctx: WizardContext): FormField[] | Completed | Promise<FormField[] | Completed>;
  /** Checks beyond the field types (e.g. that the JID is enrolled). */
  check?(ctx: WizardContext): Invalid | undefined | Promise<Invalid | undefined>;
}

export interface WizardDef {
  name: string;
  title: string;
  instructions?: string;
  selfService: boolean;
  stages: WizardStage[];
  finish(ctx: WizardContext): Completed | Invalid | Promise<Completed | Invalid>;
}

interface WizardState {
  stage: number;
  values: Values;
  /** Stages shown before this one, for prev. */
  shown: number[];
}

export function wizard(def: WizardDef): CommandDef<WizardState> {
  const form = (fields: FormField[]): DataForm => ({
    type: "form",
    formType: nodeOf(def.name),
    title: def.title,
    instructions: def.instructions,
    fields,
  });

  const show = (state: WizardState, fields: FormField[], shownValues: Values, note?: string): Step<WizardState> => {
    const last = state.stage === def.stages.length - 1;
    const forward: StageAction = last ? "complete" : "next";
    const prefilled = fields.map((f) => (f.type === "fixed" || !(f.var! in shownValues) ? f : { ...f, values: shownValues[f.var!] }));
    return {
      status: "executing",
      form: form(prefilled),
      actions: { execute: forward, allowed: state.shown.length ? ["prev", forward] : [forward] },
      note: note ? { type: "error", text: note } : undefined,
      state,
    };
  };

  /** Enters stage `stage` (or finishes), skipping all-fixed stages but the last. */
  const enter = async (actor: CommandInvoker, state: WizardState): Promise<Step<WizardState>> => {
    for (; state.stage < def.stages.length; state.stage++) {
      const stage = def.stages[state.stage]!;
      const ctx = { actor, values: state.values };
      const fields = await stage.fields(ctx);
      if (!Array.isArray(fields)) return fields;
      const last = state.stage === def.stages.length - 1;
      if (last || fields.some((f) => f.type !== "fixed" && f.type !== "hidden")) return show(state, fields, state.values);
      for (const f of fields) if (f.var) state.values[f.var] = f.values ?? [];
      const invalid = await stage.check?.(ctx);
      // Nothing on this stage can be changed, so a problem here ends the command.
      if (invalid) return finished(invalid);
    }
    return finished(await def.finish({ actor, values: state.values }));
  };

  return {
    name: def.name,
    title: def.title,
    selfService: def.selfService,
    start: (actor) => enter(actor, { stage: 0, values: {}, shown: [] }),
    async advance(actor, state, action, submitted) {
      if (action === "prev") {
        const stage = state.shown.at(-1)!;
        const back = { stage, values: state.values, shown: state.shown.slice(0, -1) };
        const fields = await def.stages[stage]!.fields({ actor, values: back.values });
        return Array.isArray(fields) ? show(back, fields, back.values) : fields;
      }
      return submit(actor, state, submitted ?? new Map());
    },
  };

  async function submit(actor: CommandInvoker, state: WizardState, submitted: FormValues): Promise<Step<WizardState>> {
    const stage = def.stages[state.stage]!;
    const fields = await stage.fields({ actor, values: state.values });
    if (!Array.isArray(fields)) return fields;
    if (fields.some((f) => f.var && isTampered(f, submitted.get(f.var)))) return "forbidden";
    const sent: Values = Object.fromEntries(fields.filter((f) => f.var).map((f) => [f.var!, submitted.get(f.var!) ?? []]));
    const values: Values = { ...state.values };
    for (const f of fields) {
      if (!f.var) continue;
      const reading = readField(f, submitted.get(f.var));
      if ("problem" in reading) return show(state, fields, sent, fieldProblem(f, reading.problem));
      values[f.var] = reading.values;
    }
    const ctx = { actor, values };
    const invalid = (await stage.check?.(ctx)) ?? (state.stage === def.stages.length - 1 ? await def.finish(ctx) : undefined);
    if (invalid && "field" in invalid) {
      const field = fields.find((f) => f.var === invalid.field) ?? { var: invalid.field };
      // A fixed field cannot be corrected, so showing the form again would be a dead end.
      if (field.type === "fixed") return finished(invalid);
      return show(state, fields, sent, fieldProblem(field, invalid.problem));
    }
    if (invalid) return invalid;
    return enter(actor, { stage: state.stage + 1, values, shown: [...state.shown, state.stage] });
  }
}

function finished(done: Completed | Invalid): Completed {
  return "field" in done ? { status: "completed", note: { type: "error", text: done.problem } } : done;
}
