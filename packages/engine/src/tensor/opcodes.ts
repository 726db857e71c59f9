// Op codes of the addon's generic entry points; the numbers match the enums in native/src/math_ops.cc.
export const UNARY = {
  relu: 0,
  sigmoid: 1,
  tanh: 2,
  neg: 3,
  exp: 4,
  log: 5,
  sqrt: 6,
  abs: 7,
  reciprocal: 8,
  square: 9,
  rsqrt: 10,
  sign: 11,
  floor: 12,
  logicalNot: 13,
} as const;

export const BINARY = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  eq: 7,
  ne: 8,
  lt: 9,
  le: 10,
  gt: 11,
  ge: 12,
  rsub: 13,
  rdiv: 14,
} as const;
export type BinaryOp = keyof typeof BINARY;

export const REDUCE = { sum: 0, mean: 1, amax: 2, amin: 3, prod: 4 } as const;

/** at::Reduction codes. */
export const REDUCTION = { none: 0, mean: 1, sum: 2 } as const;
export type Reduction = keyof typeof REDUCTION;
