/**
 * Field-by-field comparison of two plan views (plan-view.ts): every entity added or
 * removed, and every field of a common entity whose value differs. Total by
 * construction: a difference anywhere in the views is a change here, and the views
 * hold everything in the plans that the gateway acts on.
 */
import { canonicalJson } from "../../../schemas/plan/canonical.js";
import { ENTITY_KINDS, type EntityKind, type PlanView, type ViewEntity } from "./plan-view.js";

/** One field that differs; `undefined` on the side where it is not set. */
export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** One entity that was added, removed or changed, with its fields (all of them for added and removed). */
export interface EntityChange {
  readonly kind: EntityKind;
  readonly name: string;
  readonly change: "added" | "removed" | "changed";
  readonly fields: readonly FieldChange[];
}

const same = (a: unknown, b: unknown): boolean => (a === undefined || b === undefined ? a === b : canonicalJson(a) === canonicalJson(b));

/** Every difference between two views, in entity-kind order, then by name. */
export function diffViews(before: PlanView, after: PlanView): EntityChange[] {
  const ids = [...new Set([...before.keys(), ...after.keys()])];
  const rank = (e: ViewEntity): number => ENTITY_KINDS.indexOf(e.kind);
  const changes: EntityChange[] = [];
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    const entity = (a ?? b)!;
    if (b === undefined)
      changes.push({ kind: entity.kind, name: entity.name, change: "added", fields: [...a!.fields].map(([field, value]) => ({ field, before: undefined, after: value })) });
    else if (a === undefined)
      changes.push({ kind: entity.kind, name: entity.name, change: "removed", fields: [...b.fields].map(([field, value]) => ({ field, before: value, after: undefined })) });
    else {
      const fields = [...new Set([...b.fields.keys(), ...a.fields.keys()])]
        .sort()
        .filter((f) => !same(b.fields.get(f), a.fields.get(f)))
        .map((field) => ({ field, before: b.fields.get(field), after: a.fields.get(field) }));
      if (fields.length > 0) changes.push({ kind: entity.kind, name: entity.name, change: "changed", fields });
    }
  }
  return changes.sort((x, y) => rank({ ...x, fields: new Map() }) - rank({ ...y, fields: new Map() }) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** Changes counted as a reviewer counts them: an entity added or removed is one change; each changed field is one. */
export function changeCount(changes: readonly EntityChange[]): number {
  return changes.reduce((n, c) => n + (c.change === "changed" ? c.fields.length : 1), 0);
}
