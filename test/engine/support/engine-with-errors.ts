// The engine API plus UserError, for tests asserting error classes.
export * from "../../../src/engine/index.js";
export { UserError as UserErrorLike } from "../../../src/errors.js";
