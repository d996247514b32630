/* eslint-disable */
/** Generated data model types, in the shape `npx convex codegen` writes. */
import type { DataModelFromSchemaDefinition, DocumentByName, TableNamesInDataModel } from "convex/server";
import type { GenericId } from "convex/values";
import type schema from "../schema.js";

export type TableNames = TableNamesInDataModel<DataModel>;
export type Doc<TableName extends TableNames> = DocumentByName<DataModel, TableName>;
export type Id<TableName extends TableNames | "_storage" | "_scheduled_functions"> = GenericId<TableName>;
export type DataModel = DataModelFromSchemaDefinition<typeof schema>;
