/**
 * The size space's overview (the shared scatter-overview.js): accuracy vs params / FLOPs / latency for one (hp,
 * dataset, set), one point per channel config, coloured by a width pattern. The default colour is the width of the
 * last position, C5: FLOPs are dominated by the early, full-resolution positions (C1, C2), so the x axis already orders
 * the configs by those, while C5 works on 8×8 maps (few FLOPs) yet sets the classifier's input width: its colour
 * separates configs of equal FLOPs, which the x axis cannot. The total width (C1 + … + C5) and each other position are
 * a click away.
 */
import { h, hashOf, select } from "./dom.js";
import { overviewState, renderScatterOverview } from "./scatter-overview.js";

/** one colour per candidate width (light = narrow, dark = wide) */
const WIDTH_COLORS = ["#d0ebff", "#a5d8ff", "#74c0fc", "#4dabf7", "#228be6", "#1971c2", "#5f3dc4", "#212529"];
const TOTAL_STEP = 40;

/** colour-by choices: "total" or the position "1".."5" */
function colourChoices(positions) {
  return [["total", "total width (C1 + … + C5)"], ...Array.from({ length: positions }, (_, k) => [String(k + 1), `width of C${k + 1}`])];
}

/** The group (0..7) and its legend label of a config under a colour choice. */
function grouping(by, widths) {
  if (by === "total") {
    // five widths of 8..64 sum to 40..320: eight bands of 40 (five steps of 8)
    const lo = 5 * widths[0];
    const label = (g) => (g === widths.length - 1 ? `total ${lo + g * TOTAL_STEP}` : `total ${lo + g * TOTAL_STEP}–${lo + g * TOTAL_STEP + TOTAL_STEP - 8}`);
    return { of: (channels) => Math.min(widths.length - 1, Math.floor((channels.reduce((s, c) => s + c, 0) - lo) / TOTAL_STEP)), label };
  }
  const k = Number(by) - 1;
  return { of: (channels) => widths.indexOf(channels[k]), label: (g) => `C${k + 1} = ${widths[g]}` };
}

export async function render(root, params, ctx, meta, data) {
  const positions = meta.space.positions;
  const widths = meta.space.widths;
  const choices = colourChoices(positions);
  const state = overviewState(params, data, { color: choices.some(([v]) => v === params.get("color")) ? params.get("color") : String(positions) });
  const go = (patch) => ctx.navigate(hashOf("overview", [], { ...state, log: state.log ? "1" : undefined, ...patch }));
  const group = grouping(state.color, widths);
  const channels = data.points.channels;
  const note = h(
    "p",
    { class: "muted small", id: "sss-note" },
    `${meta.space.title}: every config has the same cell, so the topology views (op-count filters, cell diagrams, isomorphism) do not apply; the `,
    h("a", { href: hashOf("widths", [], { hp: state.hp, dataset: state.dataset, set: state.set }) }, "width effects"),
    " view shows how each position's width moves the accuracy.",
  );
  await renderScatterOverview(root, ctx, meta, data, {
    state,
    go,
    noun: "config",
    title: " (size space)",
    controls: [select("color", choices, state.color, (v) => go({ color: v }), "colour by")],
    bars: [note],
    colors: WIDTH_COLORS,
    opacity: 0.85,
    groupOf: (i) => group.of(channels[i].split(":").map(Number)),
    label: group.label,
    describeHeader: "channels",
    describe: (i) => channels[i],
  });
}
