/** The `aa-nas train` action: option handling and progress around `trainRange` (loaded lazily: needs the engine). */
import { checkDevice } from "../engine/device.js";
import { defaultDataDir } from "../data/training-data.js";
import { progressBar } from "../cli/progress.js";
import type { TrainCliOptions } from "../cli/commands/pipeline.js";
import { scheduleOf, trainRange, type TrainRangeResult } from "./train-range.js";
import { parseRecordDatasetKey } from "../core/index.js";

export interface TrainCommandOptions extends Omit<TrainCliOptions, "seeds" | "mode"> {
  archIndexes: number[];
  seeds: number[];
  mode: "new" | "cover";
}

export async function trainCommand(o: TrainCommandOptions): Promise<TrainRangeResult> {
  const datasets = o.datasets.map(parseRecordDatasetKey);
  scheduleOf(o.hp);
  const device = checkDevice(o.device);
  const pairs = progressBar("archs×seeds", { quiet: o.json === true });
  const epoch = progressBar("epoch", { quiet: o.json === true });
  const started = Date.now();
  const result = await trainRange({
    archIndexes: o.archIndexes,
    seeds: o.seeds,
    datasets,
    hp: o.hp,
    mode: o.mode,
    outDir: o.out,
    data: { dataDir: o.dataDir ?? defaultDataDir() },
    channel: o.channel,
    numCells: o.numCells,
    trainSubset: o.trainSubset ?? null,
    evalSubset: o.evalSubset ?? null,
    device,
    saveWeights: o.saveWeights === true,
    events: {
      onPairStart: (e) => {
        const label = `arch ${e.archIndex} seed ${e.seed}${e.skipped ? " (done, skipped)" : ""}`;
        if (e.done === 0) pairs.start(o.archIndexes.length * o.seeds.length, label);
        pairs.update(e.done, label);
      },
      onDatasetStart: (e) => {
        if (e.resumeEpoch > 0) pairs.log(`arch ${e.archIndex} seed ${e.seed} ${e.dataset}: resuming at epoch ${e.resumeEpoch}/${e.epochs}`);
      },
      onProgress: (p) => {
        if (p.batch === 1) epoch.start(p.batches, `${p.dataset} ${p.phase}${p.set ? ` ${p.set}` : ""} epoch ${p.epoch + 1}/${p.epochs}`);
        epoch.update(p.batch);
      },
      onEpoch: (e) => {
        const t = e.record.train;
        const evals = Object.entries(e.record.evals)
          .map(([set, c]) => `${set} ${c.acc[c.acc.length - 1]!.toFixed(2)}%`)
          .join(", ");
        epoch.log(
          `arch ${e.archIndex} seed ${e.seed} ${e.dataset} epoch ${e.epoch + 1}/${e.epochs}: ` +
            `train loss ${t.loss[e.epoch]!.toFixed(4)} top1 ${t.acc1[e.epoch]!.toFixed(2)}%; ${evals}`,
        );
      },
    },
  });
  epoch.stop();
  pairs.stop();
  const summary = { ...result, seconds: (Date.now() - started) / 1000 };
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stderr.write(`trained ${result.written.length} record(s), skipped ${result.skipped.length} finished, in ${summary.seconds.toFixed(1)} s\n`);
  return result;
}
