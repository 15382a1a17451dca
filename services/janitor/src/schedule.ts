import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { QUEUES } from '@excloud/contracts';
import type { Logger } from '@excloud/service-kit';
import type { JanitorMetrics, QueueCounts } from './metrics';

export type JobName = 'outbox' | 'uploadExpiry' | 'orphanSweep' | 'usageRollup' | 'usageReconcile' | 'packCompaction';

export interface ScheduledJob {
  name: JobName;
  everyMs: number;
  run: () => Promise<unknown>;
}

export interface Scheduler {
  mode: 'bullmq' | 'in-process';
  /** Jobs per queue and state, for the queue-depth gauge (BullMQ only). */
  jobCounts?(): Promise<QueueCounts>;
  close(): Promise<void>;
}

/**
 * BullMQ job schedulers: one repeatable job per queue, processed by one worker each, retried
 * with exponential backoff. Every job is idempotent, and its state lives in Postgres (outbox,
 * uploads), so Redis being down delays cleanup but loses nothing.
 */
export async function scheduleWithBullmq(jobs: ScheduledJob[], redis: { url: string; prefix: string }, metrics: JanitorMetrics, log: Logger): Promise<Scheduler> {
  // One connection for the queues; BullMQ duplicates it for each worker's blocking reads.
  // maxRetriesPerRequest null: commands wait for Redis to come back instead of failing jobs.
  const connection = new IORedis(redis.url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const prefix = redis.prefix;
  const queues: Queue[] = [];
  const workers: Worker[] = [];
  const registrations: (() => Promise<unknown>)[] = [];
  for (const job of jobs) {
    const queueName = QUEUES[job.name];
    const queue = new Queue(queueName, { connection, prefix });
    queue.on('error', (err) => log.warn('queue error', { queue: queueName, err }));
    const register = () =>
      queue.upsertJobScheduler(
        job.name,
        { every: job.everyMs },
        {
          name: job.name,
          data: { $version: 1 },
          opts: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 100, removeOnFail: 500 },
        },
      );
    await register();
    registrations.push(register);
    const worker = new Worker(
      queueName,
      async (bullJob) => {
        if ((bullJob.data as { $version?: number }).$version !== 1) throw new Error(`unsupported payload version on ${queueName}`);
        return job.run();
      },
      { connection, prefix, concurrency: 1 },
    );
    worker.on('completed', () => metrics.jobs.inc({ queue: job.name, result: 'completed' }));
    worker.on('failed', (_j, err) => {
      metrics.jobs.inc({ queue: job.name, result: 'failed' });
      log.warn('janitor job failed', { queue: queueName, err });
    });
    worker.on('error', (err) => log.warn('worker error', { queue: queueName, err }));
    queues.push(queue);
    workers.push(worker);
  }
  // A Redis that comes back empty (no persistence, failover to a blank replica) has forgotten the
  // schedulers, and nothing would ever run again: register them anew on every reconnect. Upserting
  // an existing scheduler changes nothing, so doing it after a plain blip is harmless.
  connection.on('ready', () => {
    for (const register of registrations) register().catch((err: Error) => log.warn('job scheduler re-registration failed', { err }));
  });
  return {
    mode: 'bullmq',
    async jobCounts() {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'failed')));
      return Object.fromEntries(jobs.map((job, i) => [job.name, counts[i]!]));
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(queues.map((q) => q.close()));
      connection.disconnect();
    },
  };
}

/** Local mode without Redis: the same jobs on timers, never overlapping themselves. */
export function scheduleInProcess(jobs: ScheduledJob[], metrics: JanitorMetrics, log: Logger): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<JobName>();
  for (const job of jobs) {
    const tick = async () => {
      if (running.has(job.name)) return;
      running.add(job.name);
      try {
        await job.run();
        metrics.jobs.inc({ queue: job.name, result: 'completed' });
      } catch (err) {
        metrics.jobs.inc({ queue: job.name, result: 'failed' });
        log.warn('janitor job failed', { queue: job.name, err: err as Error });
      } finally {
        running.delete(job.name);
      }
    };
    const timer = setInterval(() => void tick(), job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return {
    mode: 'in-process',
    async close() {
      for (const t of timers) clearInterval(t);
    },
  };
}
