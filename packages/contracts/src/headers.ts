/** One way to read a request header, for node's IncomingMessage, express and SigV4's request shape. */
export function header(req: { headers: Record<string, string | string[] | undefined> }, name: string): string | undefined {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  // Repeated headers mean their comma-joined list (RFC 9110 §5.3); node joins most itself.
  return Array.isArray(v) ? (v.length === 0 ? undefined : v.join(',')) : v;
}
