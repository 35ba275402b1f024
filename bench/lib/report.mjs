// Rows, repetition, and the two renderings of the results: a text table (stdout) and Markdown (docs).
import { round, summarize } from './stats.mjs';

/**
 * Runs `fn(i)` `n` times in sequence. A run that throws is recorded as a failure (null) and
 * reported, never rethrown: benchmarks print figures, they do not fail.
 * `fn` returns a number or an object of numbers (several figures from one run).
 * Resolves to { values: [...], errors: [...] }.
 */
export async function repeat(n, fn, { label = '', log = () => {} } = {}) {
  const values = [];
  const errors = [];
  for (let i = 0; i < n; i++) {
    try {
      values.push(await fn(i));
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      errors.push(`run ${i + 1}: ${message}`);
      log(`  ${label} run ${i + 1} failed: ${message}`);
      values.push(null);
    }
  }
  return { values, errors };
}

/** The values of field `key` across runs (null for a failed run). */
export function pick(values, key) {
  return values.map((v) => (v && Number.isFinite(v[key]) ? v[key] : null));
}

/**
 * One figure beside its baseline. `ours` and `baseline` are arrays of per-run numbers (or already
 * summarized); the ratio is ours.median / baseline.median.
 */
export function row({ measure, figure, unit, better = 'lower', ours, baseline, baselineName, note, errors, extra, digits = 2 }) {
  const o = Array.isArray(ours) ? summarize(ours) : ours;
  const b = baseline === undefined || baseline === null ? null : Array.isArray(baseline) ? summarize(baseline) : baseline;
  const ratio = b && Number.isFinite(o.median) && Number.isFinite(b.median) && b.median !== 0 ? round(o.median / b.median, 3) : null;
  return {
    measure,
    figure,
    unit,
    better,
    digits,
    ours: roundSummary(o),
    baselineName: baselineName ?? null,
    baseline: b ? roundSummary(b) : null,
    ratio,
    ...(note ? { note } : {}),
    ...(errors && errors.length ? { errors } : {}),
    ...(extra ? { extra } : {}),
  };
}

/** A row for a measure that could not run here (e.g. a missing element). */
export function notApplicable(measure, figure, reason) {
  return { measure, figure, unit: '', better: 'lower', ours: null, baselineName: null, baseline: null, ratio: null, na: reason };
}

function roundSummary(s) {
  return { median: round(s.median), min: round(s.min), max: round(s.max), runs: s.runs };
}

function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const d = abs >= 1000 ? 0 : abs >= 100 ? Math.min(digits, 1) : digits;
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d });
}

function cell(summary, digits) {
  if (!summary) return '—';
  const runs = summary.runs?.length ?? 0;
  const m = fmt(summary.median, digits);
  if (runs <= 1 || summary.min === summary.max) return m;
  return `${m} (${fmt(summary.min, digits)}–${fmt(summary.max, digits)})`;
}

function ratioCell(r) {
  if (r.na) return '';
  if (r.ratio === null || r.ratio === undefined) return '—';
  return `${r.ratio.toFixed(2)}×`;
}

function columns(r) {
  if (r.na) return [r.measure, r.figure, `n/a: ${r.na}`, '', '', ''];
  const unit = r.unit ? ` ${r.unit}` : '';
  const arrow = r.better === 'higher' ? '↑' : r.better === 'lower' ? '↓' : '';
  return [
    r.measure,
    `${r.figure}${unit ? ` [${r.unit}${arrow ? ` ${arrow}` : ''}]` : ''}`,
    `${cell(r.ours, r.digits)}${r.errors ? ` !${r.errors.length} failed` : ''}`,
    r.baselineName ?? '',
    cell(r.baseline, r.digits),
    ratioCell(r),
  ];
}

const HEAD = ['measure', 'figure [unit, ↓ lower is better / ↑ higher]', 'rtc-elements median (min–max)', 'baseline', 'baseline median (min–max)', 'ratio'];

export function textTable(rows) {
  const lines = [HEAD, ...rows.map(columns)];
  const widths = HEAD.map((_, i) => Math.max(...lines.map((l) => [...l[i]].length)));
  const render = (l) => l.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join('  ').trimEnd();
  return [render(lines[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.slice(1).map(render)].join('\n');
}

export function markdownTable(rows) {
  const esc = (c) => c.replace(/\|/g, '\\|');
  return [
    `| ${HEAD.map(esc).join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${columns(r).map(esc).join(' | ')} |`),
  ].join('\n');
}
