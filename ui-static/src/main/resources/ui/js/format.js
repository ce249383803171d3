// Numbers, sizes and times as a reader wants to see them.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A byte count in binary units: 1536 gives '1.5 KiB'. */
export function formatBytes(bytes) {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** A transfer rate: 2048 gives '2.0 KiB/s'. */
export function formatRate(bytesPerSecond) {
  return typeof bytesPerSecond === 'number' && bytesPerSecond >= 0 ? `${formatBytes(bytesPerSecond)}/s` : '—';
}

const RELATIVE_STEPS = [
  ['second', 60], ['minute', 60], ['hour', 24], ['day', 30], ['month', 12], ['year', Infinity],
];

/** How long ago (or from now) an instant is, in the reader's language: '12 seconds ago'. */
export function relativeTime(iso, now = Date.now()) {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  let amount = (at - now) / 1000;
  if (Math.abs(amount) < 2) return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(0, 'second');
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'always' });
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(amount) < size) return format.format(Math.round(amount), unit);
    amount /= size;
  }
  return format.format(Math.round(amount), 'year');
}

/** A duration between two instants (the second defaults to now): '3 min 20 s'. */
export function formatDuration(fromIso, toIso) {
  const from = Date.parse(fromIso);
  const to = toIso ? Date.parse(toIso) : Date.now();
  if (Number.isNaN(from) || Number.isNaN(to)) return '—';
  let seconds = Math.max(0, Math.round((to - from) / 1000));
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (hours) return `${hours} h ${minutes} min`;
  if (minutes) return `${minutes} min ${seconds} s`;
  return `${seconds} s`;
}

/** A date and time as the reader's locale writes it. */
export function formatDateTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—'
    : date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A metric's value with at most four decimals; '—' when there is none. */
export function formatMetric(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value === undefined || value === null ? '—' : String(value);
  if (value !== 0 && Math.abs(value) < 0.0001) return value.toExponential(2);
  return String(Math.round(value * 10000) / 10000);
}
