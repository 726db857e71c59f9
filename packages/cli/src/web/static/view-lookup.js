/* global document */
/** Arch lookup by index or arch string (a node's edges may be listed in any order); size space: index or channel string. */
import { getJson } from "./api.js";
import { cellDiagram } from "./cell-diagram.js";
import { errorBox, h, hashOf } from "./dom.js";

const EXAMPLES = [
  ["0", "index 0"],
  ["|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|", "the ResNet cell"],
  ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|", "all 3×3 convolutions"],
];

const SIZE_EXAMPLES = [
  ["0", "index 0"],
  ["8:8:8:8:8", "the narrowest"],
  ["64:64:64:64:64", "the widest"],
  ["16:32:32:64:64", "widening with depth"],
];

export async function render(root, { params }, ctx) {
  await ctx.ready;
  const sss = ctx.meta.space.name === "sss";
  const q = params.get("q") ?? "";
  const input = h("input", { name: "q", value: q, class: "wide mono", placeholder: sss ? `${ctx.meta.space.numArchs - 1} or ${ctx.meta.space.example}` : "15624 or |nor_conv_3x3~0|+|…|", "aria-label": "index or arch string" });
  const result = h("div", { class: "lookup-result" });
  const form = h(
    "form",
    {
      class: "controls",
      onsubmit: (e) => {
        e.preventDefault();
        ctx.navigate(hashOf("lookup", [], { q: input.value.trim() }));
      },
    },
    input,
    h("button", { type: "submit" }, "Look up"),
    h("button", { type: "button", onclick: () => ctx.navigate(hashOf("arch", [String(Math.floor(Math.random() * ctx.meta.space.numArchs))])) }, "Random arch"),
  );
  root.append(
    h("h1", {}, "Find an architecture"),
    h(
      "p",
      { class: "muted" },
      sss
        ? `By benchmark index (0..${ctx.meta.space.numArchs - 1}) or channel string C1:C2:C3:C4:C5, each width one of ${ctx.meta.space.widths.join(", ")}.`
        : `By benchmark index (0..${ctx.meta.space.numArchs - 1}) or arch string: |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with ops ${ctx.meta.space.ops.join(", ")}.`,
    ),
    form,
    result,
    h("p", { class: "muted" }, "Examples: ", (sss ? SIZE_EXAMPLES : EXAMPLES).flatMap(([value, label], k) => [k > 0 ? " · " : "", h("a", { href: hashOf("lookup", [], { q: value }) }, label)])),
  );
  if (document.activeElement === document.body) input.focus();
  if (!q) return;
  try {
    const a = await getJson("/api/arch", { arch: q });
    if (!ctx.isCurrent()) return;
    result.append(
      h(
        "div",
        { class: "panel" },
        h("p", {}, h("a", { href: hashOf("arch", [String(a.index)]), class: "big" }, `Architecture ${a.index}`), ` — ${a.results.length} result group(s) in this store`),
        h("p", { class: "mono" }, a.arch),
        a.space === "sss" ? "" : h("div", { class: "lookup-cell" }, cellDiagram(a.ops, a.edges)),
      ),
    );
  } catch (e) {
    if (ctx.isCurrent()) result.append(errorBox(e.message));
  }
}
