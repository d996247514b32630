import type { FunctionHandle, GenericDatabaseWriter, GenericDataModel, GenericMutationCtx } from "convex/server";
import { validate } from "convex-helpers/validators";
import type { Validator, Value } from "convex/values";
import { convexBetterAuthError } from "../shared/errors.js";
import type { TableInfo } from "./schema-info.js";
import type { Journal } from "./transaction-journal.js";
import { requireFields } from "./schema-info.js";
import { getById } from "./read-rows.js";
import { fieldValue } from "./where-filter.js";

type Row = Record<string, unknown> & { _id: string; _creationTime: number };
type Ctx = GenericMutationCtx<GenericDataModel>;
type Db = GenericDatabaseWriter<GenericDataModel>;

/** Optional trigger handles: app mutations run in the same transaction as the write. */
export type TriggerHandles = {
  onCreateHandle?: string;
  onUpdateHandle?: string;
  onDeleteHandle?: string;
};

function fieldValidators(table: TableInfo): Record<string, Validator<any, any, any>> {
  return (table.validator as { fields?: Record<string, Validator<any, any, any>> }).fields ?? {};
}

/**
 * Checks written values field by field, so a bad value fails with a coded
 * error that names the field instead of Convex's generic schema error.
 */
export function checkValues(table: TableInfo, values: Record<string, unknown>, whole: boolean): void {
  requireFields(table, Object.keys(values));
  const validators = fieldValidators(table);
  for (const [field, value] of Object.entries(values)) {
    const validator = validators[field];
    if (!validator || value === undefined) continue;
    if (!validate(validator, value)) {
      throw convexBetterAuthError(
        "INVALID_ARGUMENT",
        `Invalid value for "${table.name}.${field}": ${JSON.stringify(value)?.slice(0, 100)}.`,
        { model: table.name, field },
      );
    }
  }
  if (whole) {
    for (const [field, validator] of Object.entries(validators)) {
      if (values[field] === undefined && (validator as { isOptional?: string }).isOptional !== "optional") {
        throw convexBetterAuthError("INVALID_ARGUMENT", `Missing required field "${table.name}.${field}".`, {
          model: table.name,
          field,
        });
      }
    }
  }
}

async function findByField(db: Db, table: TableInfo, field: string, value: unknown): Promise<Row[]> {
  const index = table.indexes.find((candidate) => candidate.fields[0] === field);
  const query = index
    ? db.query(table.name).withIndex(index.name, (q) => q.eq(field, value as Value))
    : db.query(table.name).filter((q) => q.eq(q.field(field), value as Value));
  return (await query.take(2)) as Row[];
}

/**
 * Rejects a write that would give two rows the same value in a unique field,
 * or the same values in fields unique together. It runs inside the writing
 * mutation, so Convex's serializable transactions make check-and-write
 * atomic: concurrent sign-ups with one email leave one user. `current` is the
 * row a patch applies to: a patch of one field of a unique pair is checked
 * with the row's other value.
 */
export async function checkUnique(
  db: Db,
  table: TableInfo,
  values: Record<string, unknown>,
  selfId?: string,
  current?: Record<string, unknown>,
) {
  for (const field of table.uniqueFields) {
    const value = values[field];
    if (value === undefined || value === null) continue;
    // A chosen id must not be another row's id, stored or `_id`.
    const clash =
      field === "id"
        ? await getById(db, table, value).then((row) => (row && row._id !== selfId ? row : undefined))
        : (await findByField(db, table, field, value)).find((row) => row._id !== selfId);
    if (clash) {
      throw convexBetterAuthError("DUPLICATE_VALUE", `A "${table.name}" with this ${field} already exists.`, {
        model: table.name,
        field,
      });
    }
  }
  for (const { fields, index } of table.uniqueTogether) {
    if (!fields.some((field) => values[field] !== undefined)) continue;
    const merged = fields.map((field) => (values[field] !== undefined ? values[field] : current?.[field]));
    // As in SQL, a null in the tuple never clashes.
    if (merged.some((value) => value === undefined || value === null)) continue;
    const query = index
      ? db.query(table.name).withIndex(index, (q) => {
          let range = q as unknown as { eq: (field: string, value: Value) => typeof range };
          fields.forEach((field, i) => (range = range.eq(field, merged[i] as Value)));
          return range as never;
        })
      : db
          .query(table.name)
          .filter((q) => q.and(...fields.map((field, i) => q.eq(q.field(field), merged[i] as Value))));
    const rows = (await query.take(2)) as Row[];
    if (rows.some((row) => row._id !== selfId)) {
      throw convexBetterAuthError(
        "DUPLICATE_VALUE",
        `A "${table.name}" with this ${fields.join(" and ")} already exists.`,
        { model: table.name, field: fields.join(",") },
      );
    }
  }
}

function stripUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/** Inserts a row after the coded checks, runs the onCreate trigger, and returns the stored row. */
export async function insertRow(
  ctx: Ctx,
  table: TableInfo,
  data: Record<string, unknown>,
  handles: TriggerHandles,
  journal?: Journal,
) {
  const values = stripUndefined(data);
  if (values.id === null) delete values.id;
  if (values.id !== undefined) {
    // A chosen id (`generateId`, `forceAllowId`) is kept in the `id` field;
    // without one Convex assigns the `_id` that is the row's Better Auth id.
    if (!table.idIndex) {
      throw convexBetterAuthError(
        "INVALID_ARGUMENT",
        `"${table.name}" stores no chosen ids: its Better Auth id is the Convex _id. ` +
          "Remove advanced.database.generateId, or add an optional `id` string field and an " +
          '`.index("id", ["id"])` to the table.',
        { model: table.name, field: "id" },
      );
    }
    if (typeof values.id !== "string" || values.id.length === 0) {
      throw convexBetterAuthError("INVALID_ARGUMENT", `"${table.name}.id" must be a non-empty string.`, {
        model: table.name,
        field: "id",
      });
    }
  }
  checkValues(table, values, true);
  await checkUnique(ctx.db, table, values);
  const _id = await ctx.db.insert(table.name, values as never);
  await journal?.inserted(table.name, _id);
  let doc = (await ctx.db.get(_id)) as Row;
  if (handles.onCreateHandle) {
    await ctx.runMutation(handles.onCreateHandle as FunctionHandle<"mutation">, { model: table.name, doc });
    doc = ((await ctx.db.get(_id)) as Row | null) ?? doc;
  }
  return doc;
}

/** Patches one row (`undefined` leaves a field, `null` clears it), with the onUpdate trigger. */
export async function patchRow(
  ctx: Ctx,
  table: TableInfo,
  row: Row,
  update: Record<string, unknown>,
  handles: TriggerHandles,
  journal?: Journal,
): Promise<Row> {
  const values = stripUndefined(update);
  if ("id" in values) {
    // Better Auth may echo a row's id back in an update; changing it is not an update.
    if (values.id !== fieldValue(row, "id")) {
      throw convexBetterAuthError("INVALID_ARGUMENT", `"${table.name}.id" cannot be changed.`, {
        model: table.name,
        field: "id",
      });
    }
    delete values.id;
  }
  checkValues(table, values, false);
  await checkUnique(ctx.db, table, values, row._id, row);
  await ctx.db.patch(row._id as never, values as never);
  await journal?.patched(table.name, row, values);
  let doc = (await ctx.db.get(row._id as never)) as Row;
  if (handles.onUpdateHandle) {
    await ctx.runMutation(handles.onUpdateHandle as FunctionHandle<"mutation">, {
      model: table.name,
      oldDoc: row,
      newDoc: doc,
    });
    doc = ((await ctx.db.get(row._id as never)) as Row | null) ?? doc;
  }
  return doc;
}

/** Deletes one row, running the onDelete trigger first so it still sees the row. */
export async function deleteRow(
  ctx: Ctx,
  table: TableInfo,
  row: Row,
  handles: TriggerHandles,
  journal?: Journal,
): Promise<void> {
  if (handles.onDeleteHandle) {
    await ctx.runMutation(handles.onDeleteHandle as FunctionHandle<"mutation">, { model: table.name, doc: row });
  }
  await ctx.db.delete(row._id as never);
  await journal?.deleted(table.name, row);
}
