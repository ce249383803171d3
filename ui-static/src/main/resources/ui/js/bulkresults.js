// A bulk test's figures as the pages compare them: one row per figure with each run's value and the best marked, and
// the score names the rows carry. No DOM here, so node tests it directly.

/**
 * The figures every run has besides its metrics, with their direction. Counts of rows are shown but not ranked: more
 * answered rows is not a better variant.
 */
const RUN_FIGURES = [
  { key: 'rows', label: 'Rows answered', better: null },
  { key: 'failedRows', label: 'Failed rows', better: 'lower' },
  { key: 'meanLatencyMillis', label: 'Mean latency (ms)', better: 'lower' },
  { key: 'promptTokens', label: 'Prompt tokens', better: 'lower' },
  { key: 'completionTokens', label: 'Completion tokens', better: 'lower' },
  { key: 'costUsd', label: 'Estimated cost (USD)', better: 'lower' },
];

/**
 * Which way a metric of a bulk test is better. Every evaluation method's metric (exact match, accuracy, precision,
 * recall, F1, ROUGE, BLEU, an LLM judge's 1-to-5 score) is better higher; the `…_rows` counts say how many rows a method
 * scored and are not ranked.
 */
export function metricDirection(name) {
  return /_rows$/.test(name) ? null : 'higher';
}

/** The indexes of the best values (ties share it); none when fewer than two runs have a value or all are equal. */
export function bestIndexes(values, better) {
  if (!better) return [];
  const numbers = values.map((v, i) => [v, i]).filter(([v]) => typeof v === 'number' && Number.isFinite(v));
  if (numbers.length < 2) return [];
  const pick = better === 'lower' ? Math.min : Math.max;
  const best = pick(...numbers.map(([v]) => v));
  if (numbers.every(([v]) => v === best)) return [];
  return numbers.filter(([v]) => v === best).map(([, i]) => i);
}

/**
 * The comparison of `runs` (a result's runs[]): the run figures, then every metric any run has (in name order), each
 * as { key, label, better, values (one per run, undefined where a run lacks it), best (indexes) }.
 */
export function comparisonRows(runs) {
  const metricNames = [...new Set(runs.flatMap(run => Object.keys(run.metrics ?? {})))].sort();
  const rows = RUN_FIGURES.map(figure => ({ ...figure, values: runs.map(run => run[figure.key]) }));
  for (const name of metricNames) {
    rows.push({ key: `metrics.${name}`, label: name, better: metricDirection(name), values: runs.map(run => run.metrics?.[name]) });
  }
  return rows.map(row => ({ ...row, best: bestIndexes(row.values, row.better) }));
}

/** The score names the rows carry, in name order: what the rows table may sort by (the API sorts). */
export function scoreNames(rows) {
  return [...new Set(rows.flatMap(row => Object.keys(row.scores ?? {})))].sort();
}

