const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Milliseconds since the epoch for a valid yyyymmddThhmmssZ, else null (also for e.g. month 13). */
export function amzDateToMillis(value: string): number | null {
  const m = AMZ_DATE.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  ) {
    return null;
  }
  return ms;
}

export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The Date header fallback: SigV4 clients put either the ISO basic form or an HTTP date there.
 * Only the HTTP-date shapes with an explicit GMT zone are accepted so local-time guesses can't creep in.
 */
export function dateHeaderToAmzDate(value: string): string | null {
  const v = value.trim();
  if (amzDateToMillis(v) !== null) return v;
  if (!/\bGMT$/.test(v)) return null;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return null;
  return toAmzDate(new Date(ms));
}
