// The engine API plus UserError, for tests asserting error classes.
export * from "../../../packages/engine/src/tensor/index.js";
export { UserError as UserErrorLike } from "../../../packages/core/src/errors.js";
