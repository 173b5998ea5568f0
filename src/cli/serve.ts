import { type Lab, startLab } from '../infra/lab.ts';
import { disposeSpec, type ProviderSpec } from '../infra/select-provider.ts';
import { startUpstream, type Upstream } from '../infra/upstream.ts';
import { type OpenTargetSession, openTargetSession } from '../launcher/runner.ts';
import { AUTH_SECRET, closeTargets, targetEnv } from '../load/http-scenario.ts';
import { issueToken } from '../targets/shared/auth.ts';
import { EXIT, requireValidEnv, usageError } from './errors.ts';
import { providerFor, type RunIo } from './run.ts';
import { requireBuilt, selectTargets, splitList } from './select.ts';

/**
 * `lab serve fastify,express`: the lab's servers for use by hand. Starts a seeded PostgreSQL and
 * Redis, the upstream stub and the named targets (started, pinned and verified exactly as a
 * ranking starts them, then the database is back to its seeded state), prints their URLs, the
 * database and Redis URLs and a bearer token valid for 24 h, and keeps everything up until
 * SIGINT or SIGTERM, then stops it all. Every process is also registered with the cleanup
 * watchdog, so a SIGKILL leaves nothing behind either. With no target: the servers alone, e.g.
 * for a server of your own (then `lab run --target-url`).
 */
export interface ServeOptions {
  fixtures?: string[];
  /** First of consecutive fixed ports for the targets (default: free ports). */
  port?: string;
}

export interface ServeIo extends RunIo {
  /** Resolves when the servers should stop (default: the first SIGINT or SIGTERM). */
  until?: Promise<unknown>;
}

/**
 * The first SIGINT or SIGTERM. The listeners stay until `dispose()`: with `once` they would be
 * gone when the signal is emitted, and a dependency's signal-exit handler, seeing no other
 * listener, would re-raise the signal and kill this process before anything is stopped.
 */
function signalled(): { promise: Promise<NodeJS.Signals>; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<NodeJS.Signals>((resolve) => {
    const on = (signal: NodeJS.Signals) => resolve(signal);
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
    dispose = () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
  });
  return { promise, dispose };
}

export async function serveCommand(
  names: string | undefined,
  options: ServeOptions,
  io: ServeIo,
): Promise<number> {
  const env = io.env ?? process.env;
  requireValidEnv(env);
  const targets = names === undefined ? [] : selectTargets(splitList(names));
  let port: number | undefined;
  if (options.port !== undefined) {
    port = Number(options.port);
    if (!(Number.isInteger(port) && port >= 1024 && port + targets.length - 1 <= 65535)) {
      throw usageError(
        `--port must be an integer port from 1024 to 65535, got ${JSON.stringify(options.port)}.`,
      );
    }
  }
  const fixtures = splitList(options.fixtures);
  requireBuilt(targets);

  // Ctrl-C from here on stops what has started; a second one leaves it to the watchdog.
  const stop = signalled();
  let stopping = false;
  const until = io.until ?? stop.promise;
  let spec: ProviderSpec | undefined;
  let lab: Lab | undefined;
  let upstream: Upstream | undefined;
  const sessions: OpenTargetSession[] = [];
  const started = async (): Promise<void> => {
    spec = await providerFor(env);
    try {
      lab = await startLab({ fixtures: fixtures.length > 0 ? fixtures : 'all', spec });
    } catch (error) {
      if (/Unknown fixture/i.test((error as Error).message))
        throw usageError((error as Error).message);
      throw error;
    }
    upstream = await startUpstream();
    const targetEnvironment = targetEnv(lab, upstream);
    for (const [i, target] of targets.entries()) {
      io.err(`lab serve: starting ${target.name}…`);
      sessions.push(
        await openTargetSession(target.name, targetEnvironment, {
          generator: 'external',
          ...(port !== undefined ? { port: port + i } : {}),
        }),
      );
    }
    // Verification wrote rows: back to the seeded state.
    if (sessions.length > 0) await lab.reset();
  };
  const cleanUp = async (): Promise<string[]> => {
    const problems: string[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
      }
    };
    await attempt('targets', () => closeTargets(sessions));
    if (upstream) await attempt('upstream stub', () => (upstream as Upstream).stop());
    if (lab) await attempt('PostgreSQL/Redis', () => (lab as Lab).stop());
    if (spec) disposeSpec(spec);
    return problems;
  };

  const early = until.then(() => {
    stopping = true;
  });
  const starting = started();
  try {
    await Promise.race([starting, early]);
    if (stopping) {
      io.err('lab serve: interrupted while starting; stopping what had started.');
      // Whatever is still starting finishes first, then everything stops.
      await starting.catch(() => {});
    }
  } catch (error) {
    const problems = await cleanUp();
    stop.dispose();
    if (problems.length > 0) io.err(`lab serve: cleaning up: ${problems.join('; ')}`);
    throw error;
  }
  if (!stopping) {
    const token = await issueToken('lab-serve', AUTH_SECRET, 24 * 3600);
    io.out(describe(sessions, lab as Lab, upstream as Upstream, token));
    await until;
  }
  // A second signal while stopping: leave the rest to the cleanup watchdog.
  const hurry = () => process.exit(130);
  process.on('SIGINT', hurry);
  process.on('SIGTERM', hurry);
  io.err('lab serve: stopping targets, the upstream stub, PostgreSQL and Redis…');
  const problems = await cleanUp();
  process.off('SIGINT', hurry);
  process.off('SIGTERM', hurry);
  stop.dispose();
  if (problems.length > 0) {
    io.err(`lab serve: could not stop everything: ${problems.join('; ')}`);
    return EXIT.failed;
  }
  io.err('lab serve: stopped; nothing left running.');
  return EXIT.ok;
}

function describe(
  sessions: readonly OpenTargetSession[],
  lab: Lab,
  upstream: Upstream,
  token: string,
): string {
  const width = Math.max(8, ...sessions.map((s) => s.target.definition.name.length));
  const first = sessions[0]?.url ?? 'http://127.0.0.1:<port of your server>';
  const until = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  const seed = lab.seedReport;
  const lines = [
    'lab serve: ready — Ctrl-C (SIGINT) or SIGTERM stops everything.',
    '',
    ...(sessions.length > 0
      ? sessions.map((s) => {
          const cpus = s.target.cpus ? `, CPUs ${s.target.cpus}` : '';
          return `  ${s.target.definition.name.padEnd(width)}  ${s.url}  (pid ${s.target.pid}${cpus})`;
        })
      : ['  (no targets: name some, e.g. `pnpm lab serve fastify,express`)']),
    '',
    `  DATABASE_URL=${lab.pg.url}`,
    `  REDIS_URL=${lab.redis.url}`,
    `  UPSTREAM_URL=${upstream.url}`,
    `  LAB_AUTH_SECRET=${AUTH_SECRET}`,
    `  TOKEN=${token}`,
    `  (TOKEN: a bearer token for LAB_AUTH_SECRET, valid until ${until})`,
    `  fixtures: ${lab.fixtures.join(', ') || 'none'}${seed ? ` (seed ${seed.seed}, scale ${seed.scale})` : ''}; ` +
      `PostgreSQL ${lab.pg.serverVersion} (${lab.pg.provider}), Redis ${lab.redis.serverVersion}`,
    '',
    'Try:',
    `  k6 run -e BASE_URL=${first} k6/basic/01-lightweight.js`,
    `  k6 run -e BASE_URL=${first} -e TOKEN=<TOKEN> k6/basic/06-middleware-chain.js`,
    `  k6 run -e BASE_URL=${first} -e MODEL=open -e RATE=200 -e DURATION=10s k6/basic/03-db-read.js`,
    `  curl -H 'Authorization: Bearer <TOKEN>' ${first}/protected`,
    '  A server of your own: start it with the DATABASE_URL, REDIS_URL, UPSTREAM_URL and',
    '  LAB_AUTH_SECRET above, then rank it: pnpm lab run --target-url http://127.0.0.1:<port> --name my-api',
  ];
  return lines.join('\n');
}
