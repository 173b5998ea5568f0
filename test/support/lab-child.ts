/**
 * Child runner for test/infra-leak.test.ts, run as `node test/support/lab-child.ts` with
 * LAB_INFRA=local and LAB_TMPDIR=<a dir of its own>. It starts a lab the way a suite does, prints
 * one JSON line describing what it started, then waits until it is killed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { watchdogPid } from '../../src/infra/guard.ts';
import { startLab } from '../../src/infra/lab.ts';
import { scratchRoot } from '../../src/infra/local/process.ts';
import { pgServerInfo, redisServerInfo } from './servers.ts';

export interface ChildReport {
  provider: string;
  postmasterPid: number;
  redisPid: number;
  pgDir: string;
  redisDir: string;
  watchdogPid: number | undefined;
  /** Everything in the scratch root, which is this child's alone. */
  scratchEntries: string[];
}

const lab = await startLab({ fixtures: ['inventory'], scale: 0.01 });
const pgInfo = await pgServerInfo(lab.pg.url);
const redisInfo = await redisServerInfo(lab.redis.url);
const root = scratchRoot();
const report: ChildReport = {
  provider: lab.pg.provider,
  postmasterPid: pgInfo.postmasterPid,
  redisPid: redisInfo.pid,
  pgDir: pgInfo.suiteDir,
  redisDir: redisInfo.dir,
  watchdogPid: watchdogPid(),
  scratchEntries: readdirSync(root).map((name) => join(root, name)),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
// Mid-suite from here on: keep the servers up until a signal ends this process.
setInterval(() => {}, 1 << 30);
