import { createHash } from 'node:crypto';

export const ABSENT = 'absent';

export function sha256(data: Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

interface KeyState {
  /** Hash of the last acknowledged write (or ABSENT after an acknowledged delete / never written). */
  acked: string;
  /** Writes after the last acknowledgement whose outcome is unknown (failed or still in flight). */
  uncertain: Set<string>;
}

/**
 * What the store may hold for each key. A write that got a 2xx is acknowledged: from then on the
 * key must read back as exactly those bytes, unless a later write to that key was attempted (its
 * outcome is unknown when it failed, so either version is allowed). Anything else read back is a
 * lost or altered acknowledged write, or a half object.
 */
export class Ledger {
  private readonly keys = new Map<string, KeyState>();
  /** Every body ever sent, to tell a stale version (lost write) from bytes nobody wrote (torn object). */
  private readonly written = new Set<string>();
  lostOrAltered: string[] = [];
  halfVisible: string[] = [];

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) this.keys.set(key, (s = { acked: ABSENT, uncertain: new Set() }));
    return s;
  }

  /** Before a write is sent. If it fails it stays uncertain: it may have committed all the same. */
  begin(key: string, hash: string): void {
    this.state(key).uncertain.add(hash);
    this.written.add(hash);
  }

  ack(key: string, hash: string): void {
    const s = this.state(key);
    s.acked = hash;
    s.uncertain.clear();
  }

  acceptable(key: string, hash: string): boolean {
    const s = this.state(key);
    return s.acked === hash || s.uncertain.has(hash);
  }

  /** Checks one read; `hash` is ABSENT for NoSuchKey. Returns false (and records why) when wrong. */
  observe(key: string, hash: string, when: string): boolean {
    if (this.acceptable(key, hash)) return true;
    const s = this.state(key);
    const line = `${when}: ${key} read ${hash.slice(0, 12)}, expected ${s.acked.slice(0, 12)}${s.uncertain.size ? ` or one of ${s.uncertain.size} unacknowledged writes` : ''}`;
    // A body that is no write we ever made is a half (torn) object; a known older or missing one is a lost write.
    if (hash !== ABSENT && !this.everWrote(hash)) this.halfVisible.push(line);
    else this.lostOrAltered.push(line);
    return false;
  }

  /** Settles a key after verification: what is there now is what later reads must see. */
  settle(key: string, hash: string): void {
    this.ack(key, hash);
  }

  private everWrote(hash: string): boolean {
    return this.written.has(hash);
  }

  entries(): [string, KeyState][] {
    return [...this.keys.entries()];
  }

  get acknowledgedCount(): number {
    let n = 0;
    for (const s of this.keys.values()) if (s.acked !== ABSENT) n += 1;
    return n;
  }
}
