/* global document */
/**
 * The cell as a diagram (SVG built from the arch, not a chart): nodes 0 (input) … 3 (output) left to right, one
 * labelled edge per (to, from) pair, coloured by operation; 'none' edges are dashed and grey (they carry zeros).
 */
import { OP_COLORS } from "./charts.js";

const SVG = "http://www.w3.org/2000/svg";
const SHORT = { none: "none", skip_connect: "skip", nor_conv_1x1: "conv 1×1", nor_conv_3x3: "conv 3×3", avg_pool_3x3: "avg pool 3×3" };

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Edge geometry: adjacent nodes get a straight line; longer edges arc above or below so no two overlap. */
const BEND = { "2,0": -90, "3,1": 90, "3,0": -170 };

export function cellDiagram(ops, edges) {
  const W = 640;
  const H = 310;
  const y = 190;
  const x = (n) => 70 + n * 166;
  const r = 26;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "cell-diagram", role: "img", "aria-label": "cell diagram" });
  const defs = s("defs");
  for (const [op, color] of Object.entries(OP_COLORS)) {
    const marker = s("marker", { id: `arrow-${op}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.append(s("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: color }));
    defs.append(marker);
  }
  svg.append(defs);

  edges.forEach(([to, from], e) => {
    const op = ops[e];
    const bend = BEND[`${to},${from}`] ?? 0;
    const x1 = x(from);
    const x2 = x(to);
    // start/end on the circles, tilted toward the arc's side
    const tilt = bend === 0 ? 0 : Math.sign(bend) * 0.6;
    const sx = x1 + r * Math.cos(tilt);
    const sy = y + r * Math.sin(tilt);
    const ex = x2 - r * Math.cos(tilt);
    const ey = y + r * Math.sin(tilt);
    const cx = (x1 + x2) / 2;
    const cy = y + bend * 1.9;
    const d = bend === 0 ? `M ${sx} ${sy} L ${ex} ${ey}` : `M ${sx} ${sy} Q ${cx} ${cy} ${ex} ${ey}`;
    const color = OP_COLORS[op];
    svg.append(
      s("path", {
        d,
        fill: "none",
        stroke: color,
        "stroke-width": op === "none" ? 2 : 3,
        "stroke-dasharray": op === "none" ? "6 5" : "none",
        "marker-end": `url(#arrow-${op})`,
        class: `edge edge-${op}`,
        "data-edge": `${to},${from}`,
      }),
    );
    // label at the curve's midpoint (for a quadratic Bézier: ¼ start + ½ control + ¼ end)
    const lx = bend === 0 ? (sx + ex) / 2 : 0.25 * sx + 0.5 * cx + 0.25 * ex;
    const ly = bend === 0 ? y - 12 : 0.25 * sy + 0.5 * cy + 0.25 * ey + (bend < 0 ? -8 : 16);
    const label = s("text", { x: lx, y: ly, "text-anchor": "middle", class: "edge-label", fill: color }, SHORT[op] ?? op);
    const bg = s("rect", { x: lx - 40, y: ly - 13, width: 80, height: 18, rx: 4, class: "edge-label-bg" });
    svg.append(bg, label);
  });

  for (let n = 0; n < 4; n++) {
    svg.append(s("circle", { cx: x(n), cy: y, r, class: `node${n === 0 || n === 3 ? " node-io" : ""}` }));
    svg.append(s("text", { x: x(n), y: y + 5, "text-anchor": "middle", class: "node-label" }, String(n)));
    if (n === 0 || n === 3) svg.append(s("text", { x: x(n), y: y + r + 22, "text-anchor": "middle", class: "node-caption" }, n === 0 ? "input" : "output"));
  }
  return svg;
}
