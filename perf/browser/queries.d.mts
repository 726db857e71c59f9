// Types of queries.mjs for the TypeScript tests that import it.
export interface Query {
  kind: string;
  args: unknown[];
}
export type Outcome = { ok: unknown } | { error: { name: string; message: string } };
export function makeQueries(o: { seed: number; count: number; archs: Array<number | string>; hps: string[]; seeds?: number[] }): Query[];
export function runQuery(bench: object, q: Query): Promise<Outcome>;
