import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { adminQuery } from './infra';
import { REPO_ROOT } from './stack';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memory: string;
  disk: string;
  kernel: string;
}

export interface Versions {
  node: string;
  postgres: string;
  redis: string;
  nginx: string;
  /** Ceph's version when RGW was measured. */
  rgw?: string;
  commit: string;
}

export function machineInfo(dataDir: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    disk: diskOf(dataDir),
    kernel: `${os.type()} ${os.release()}`,
  };
}

function diskOf(dir: string): string {
  const df = run('df', ['-h', '--output=source,fstype,size,avail', dir]).split('\n')[1]?.trim().split(/\s+/);
  if (!df) return 'unknown';
  const [source, fstype, size, avail] = df;
  const dev = source.replace(/^\/dev\//, '').replace(/p?\d+$/, '');
  let kind = '';
  try {
    kind = readFileSync(`/sys/block/${dev}/queue/rotational`, 'utf8').trim() === '1' ? ', kernel reports rotational' : ', non-rotational';
  } catch {
    /* virtual or unknown device */
  }
  return `${source} (${fstype}${kind}), ${size} total, ${avail} free`;
}

export async function versions(nginxVersion: string): Promise<Versions> {
  let postgres = 'unknown';
  try {
    postgres = String((await adminQuery<{ server_version: string }>('SHOW server_version'))[0].server_version);
  } catch {
    /* reported as unknown */
  }
  const dirty = run('git', ['status', '--porcelain'], REPO_ROOT).split('\n').filter(Boolean).length;
  return {
    node: process.version,
    postgres,
    redis: /v=(\S+)/.exec(run('redis-server', ['--version']))?.[1] ?? 'unknown',
    nginx: nginxVersion,
    commit: `${run('git', ['rev-parse', '--short', 'HEAD'], REPO_ROOT).trim() || 'unknown'}${dirty ? ` (+${dirty} uncommitted files)` : ''}`,
  };
}

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  return r.status === 0 ? r.stdout : '';
}
