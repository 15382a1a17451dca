import { METADATA_USAGE_ROUTES } from '@excloud/contracts';
import { InternalClient } from '@excloud/internal-client';
import type { JobDeps } from './jobs';

export interface UsageDrift {
  orgId: string;
  counted: { bytes: number; objects: number; buckets: number };
  actual: { bytes: number; objects: number; buckets: number };
}

/** metadata's usage routes for the janitor (routes/usage.ts there), behind the system token. */
export class UsageSystemClient {
  private readonly http: InternalClient;
  constructor(baseUrl: string) {
    this.http = new InternalClient(baseUrl);
  }

  rollup(token: string, opts: { afterOrgId?: string; limit: number }): Promise<{ rolled: number; nextAfter: string | null }> {
    return this.http.json({ method: 'POST', path: METADATA_USAGE_ROUTES.rollup, token, json: opts });
  }

  reconcile(token: string, opts: { afterOrgId?: string; limit: number; correct: boolean }): Promise<{ checked: number; drift: UsageDrift[]; nextAfter: string | null }> {
    return this.http.json({ method: 'POST', path: METADATA_USAGE_ROUTES.reconcile, token, json: opts });
  }
}

export interface UsageJobDeps extends JobDeps {
  usage: UsageSystemClient;
  /** Correct drift found by reconciliation, or only report it. */
  correctUsageDrift: boolean;
}

const PAGE = 500;

/**
 * Moves each org's byte-second integral (kept exact by every commit) into its hourly billing
 * rows. Run every minute or so: the current hour is always exact; only an hour-long outage of
 * this job makes the split between the hours it missed proportional to time.
 */
export async function rollupUsage(d: UsageJobDeps): Promise<{ rolled: number }> {
  let rolled = 0;
  let after: string | undefined;
  do {
    const page = await d.usage.rollup(await d.token(), { afterOrgId: after, limit: PAGE });
    rolled += page.rolled;
    after = page.nextAfter ?? undefined;
  } while (after);
  return { rolled };
}

/**
 * Recounts every org's usage from its buckets and versions. Counters move in the commit
 * transactions, so drift means a bug (or a write from an older build during a rolling upgrade):
 * each drifting org is logged and counted, and corrected unless correction is off.
 */
export async function reconcileUsage(d: UsageJobDeps): Promise<{ checked: number; drifted: number; corrected: boolean; drift: UsageDrift[] }> {
  let checked = 0;
  const drift: UsageDrift[] = [];
  let after: string | undefined;
  do {
    const page = await d.usage.reconcile(await d.token(), { afterOrgId: after, limit: PAGE, correct: d.correctUsageDrift });
    checked += page.checked;
    for (const found of page.drift) {
      d.log.warn('usage counters drifted from stored data', { ...found, corrected: d.correctUsageDrift });
      d.metrics.usageDrift.inc();
      // Enough to act on; the log has the rest.
      if (drift.length < 100) drift.push(found);
    }
    after = page.nextAfter ?? undefined;
  } while (after);
  return { checked, drifted: drift.length, corrected: d.correctUsageDrift, drift };
}
