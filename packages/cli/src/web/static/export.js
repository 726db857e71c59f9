/* global document, Blob, atob, setTimeout */
/**
 * PNG and CSV export, one helper for every view: each chart and table gets a small bar of buttons. PNG comes from
 * echarts' own renderer (getDataURL, on a white background at twice the screen resolution); CSV from the data the
 * chart or table shows (exact values, not the rounded text on screen), RFC 4180 quoting.
 */
import { h } from "./dom.js";

/** One CSV field: numbers as JavaScript prints them (full precision), null/undefined/NaN as empty. */
function field(v) {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvText(header, rows) {
  return [header, ...rows].map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";
}

/** Saves `blob` as `filename` through a temporary object URL (no navigation, allowed by the page's CSP). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // the download has taken its copy once click() returns; the URL can go after the current task
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function pngBlob(chart) {
  const dataUrl = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff", excludeComponents: ["toolbox", "dataZoom"] });
  const bytes = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return new Blob([out], { type: "image/png" });
}

/** A file-name part from free text: "cifar10, 200 epochs" → "cifar10-200-epochs". */
export function slug(...parts) {
  return parts
    .filter((p) => p !== undefined && p !== null && p !== "")
    .join("-")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * A bar of export buttons. `name`: the file name without extension; `chart`: a function returning the echarts
 * instance (it may be created after the bar); `csv`: a function returning { header, rows }.
 */
export function exportBar({ name, chart, csv }) {
  return h(
    "div",
    { class: "export-bar", dataset: { export: name } },
    chart
      ? h("button", { type: "button", class: "export", dataset: { format: "png" }, title: `Save the chart as ${name}.png`, onclick: () => saveBlob(pngBlob(chart()), `${name}.png`) }, "PNG")
      : null,
    csv
      ? h(
          "button",
          {
            type: "button",
            class: "export",
            dataset: { format: "csv" },
            title: `Save the data as ${name}.csv`,
            onclick: () => {
              const { header, rows } = csv();
              saveBlob(new Blob([csvText(header, rows)], { type: "text/csv" }), `${name}.csv`);
            },
          },
          "CSV",
        )
      : null,
  );
}
