/**
 * `npm test`: lint, format, typecheck, build, then the unit, integration and
 * e2e tiers, each run even if an earlier one failed, and one summary at the end.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

type Stage = { name: string; kind: 'check' | 'tests'; command: string[]; report?: string };
type Outcome = { name: string; ok: boolean; passed: number; failed: number; skipped: number; seconds: number };

const vitest = (project: string): Stage => ({
  name: project,
  kind: 'tests',
  report: `.tmp/vitest-${project}.json`,
  command: [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=.tmp/vitest-${project}.json`,
  ],
});

const stages: Stage[] = [
  { name: 'lint', kind: 'check', command: ['eslint', '--max-warnings=0', '.'] },
  { name: 'format', kind: 'check', command: ['prettier', '--check', '--log-level=warn', '.'] },
  { name: 'typecheck (node, electron)', kind: 'check', command: ['tsc', '-p', 'tsconfig.json'] },
  { name: 'typecheck (renderer)', kind: 'check', command: ['tsc', '-p', 'tsconfig.web.json'] },
  { name: 'typecheck (tests)', kind: 'check', command: ['tsc', '-p', 'tsconfig.tests.json'] },
  { name: 'build', kind: 'check', command: ['electron-vite', 'build', '--logLevel', 'warn'] },
  vitest('unit'),
  vitest('integration'),
  vitest('e2e'),
];

function run(command: string[]): Promise<number> {
  return new Promise((resolve) => {
    const [cmd, ...args] = command as [string, ...string[]];
    const child = spawn(cmd, args, {
      stdio: 'inherit',
      env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' },
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
}

type VitestJson = { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };

function readReport(path: string): VitestJson | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as VitestJson;
  } catch {
    return null;
  }
}

rmSync('.tmp', { recursive: true, force: true });
mkdirSync('.tmp', { recursive: true });
const outcomes: Outcome[] = [];
for (const stage of stages) {
  process.stdout.write(`\n=== ${stage.name}: ${stage.command.join(' ')}\n`);
  const started = performance.now();
  const code = await run(stage.command);
  const seconds = (performance.now() - started) / 1000;
  if (stage.kind === 'check') {
    outcomes.push({ name: stage.name, ok: code === 0, passed: 0, failed: code === 0 ? 0 : 1, skipped: 0, seconds });
    continue;
  }
  const report = stage.report ? readReport(stage.report) : null;
  const passed = report?.numPassedTests ?? 0;
  const failed = report ? report.numFailedTests : 1;
  const skipped = report ? report.numPendingTests + report.numTodoTests : 0;
  // A tier that ran nothing, or skipped anything, is a failure: CI must run every test.
  const ok = code === 0 && failed === 0 && skipped === 0 && passed > 0;
  outcomes.push({ name: stage.name, ok, passed, failed: ok ? failed : Math.max(failed, 1), skipped, seconds });
}

const pad = (s: string, n: number) => s.padEnd(n);
process.stdout.write('\n=== Town Crier test summary\n');
process.stdout.write(
  `${pad('stage', 30)}${pad('result', 8)}${pad('passed', 8)}${pad('failed', 8)}${pad('skipped', 9)}time\n`,
);
for (const o of outcomes) {
  process.stdout.write(
    `${pad(o.name, 30)}${pad(o.ok ? 'ok' : 'FAILED', 8)}${pad(String(o.passed), 8)}${pad(String(o.failed), 8)}${pad(String(o.skipped), 9)}${o.seconds.toFixed(1)}s\n`,
  );
}
const passed = outcomes.reduce((n, o) => n + o.passed, 0);
const failed = outcomes.reduce((n, o) => n + o.failed, 0);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
