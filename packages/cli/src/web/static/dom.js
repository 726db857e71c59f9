/* global document, Node, URLSearchParams */
/** DOM helpers: element construction (text via textContent only, never innerHTML) and number formatting. */

/**
 * h("div", { class: "x", onclick: fn }, "text", child) → element. Attributes starting with "on" become listeners;
 * `dataset` takes an object; null/undefined/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A <select> with `options` ([value, label] pairs or plain values) and `selected`. */
export function select(name, options, selected, onChange, label) {
  const el = h(
    "select",
    { name, "aria-label": label ?? name, onchange: (e) => onChange(e.target.value) },
    options.map((o) => {
      const [value, text] = Array.isArray(o) ? o : [o, o];
      return h("option", { value, selected: String(value) === String(selected) }, text);
    }),
  );
  return label === undefined ? el : h("label", { class: "control" }, h("span", {}, label), el);
}

export function fmt(x, digits = 2) {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toFixed(digits);
}

/** Latency in ms from seconds per batch. */
export function fmtMs(seconds) {
  return seconds === null || seconds === undefined ? "–" : `${(seconds * 1000).toFixed(2)} ms`;
}

/** Arch string from the six-digit op code the overview sends (canonical edge order, ops in OPS order). */
export function archFromCode(code, ops, edges) {
  const nodes = [[], [], []];
  edges.forEach(([to, from], e) => nodes[to - 1].push(`${ops[Number(code[e])]}~${from}`));
  return nodes.map((n) => `|${n.join("|")}|`).join("+");
}

export function errorBox(message) {
  return h("div", { class: "error", role: "alert" }, message);
}

/** Parses "#/view/rest?x=1" into { view, rest, params }. */
export function parseHash(hash) {
  const raw = hash.replace(/^#\/?/, "");
  const q = raw.indexOf("?");
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : "");
  const [view, ...rest] = path.split("/");
  return { view: view || "overview", rest: rest.map(decodeURIComponent), params };
}

export function hashOf(view, rest = [], params = {}) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();
  return `#/${[view, ...rest.map(encodeURIComponent)].join("/")}${search ? `?${search}` : ""}`;
}
