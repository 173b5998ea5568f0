#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { REPO_ROOT } from '../launcher/registry.ts';
import { calibrateCommand } from './calibrate.ts';
import { compareCommand, METRICS } from './compare.ts';
import { interleavedCompareCommand } from './compare-interleaved.ts';
import { formatDoctor, runDoctor } from './doctor.ts';
import { CliError, EXIT, usageError } from './errors.ts';
import { fuzzCommand } from './fuzz.ts';
import { k6MergeCommand, k6OperatorCommand } from './k6-operator.ts';
import { formatListing, listing } from './list.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { serveCommand } from './serve.ts';
import { sweepCommand } from './sweep.ts';

/**
 * `pnpm lab <command>` — the lab outside vitest:
 *
 *   doctor                  what this machine has (infra, k6, wrk, taskset, Chromium) and the fixes
 *   list                    scenarios, targets, data layers and variants
 *   run                     measure a scenario × target selection, writing the usual reports
 *   sweep                   a target at several users, pool sizes or workers: curves, knee, verdicts
 *   report <results.json>   rebuild the Markdown and HTML of a run
 *   fuzz                    exploratory contract fuzzing of the targets (Schemathesis)
 *   serve [targets]         seeded PostgreSQL + Redis, upstream stub and targets for use by hand
 *   k6-operator             a k6-operator TestRun + ConfigMap for one scenario (Kubernetes)
 *   k6-merge <file…>        merge k6 JSON outputs / runner logs into one set of percentiles
 *   compare <base> <head>   deltas with significance; exit 1 on a regression (CI gate)
 *
 * Exit codes: 0 ok, 1 regression / missing requirement / failed measurement, 2 wrong arguments
 * or input files (see errors.ts). User errors print one line on stderr, never a stack trace.
 */
const out = (text: string) => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};
const err = (line: string) => {
  process.stderr.write(`${line}\n`);
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function version(): string {
  try {
    return (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
}

function program(setExit: (code: number) => void): Command {
  const lab = new Command('lab')
    .description(
      'Backend Benchmark Lab: check the machine, list, run, report and compare benchmarks.',
    )
    .version(version())
    .exitOverride()
    // Commander's own usage errors read like ours: `lab: unknown command 'bench'`.
    .configureOutput({
      outputError: (text, write) => write(text.replace(/^error: /, 'lab: ')),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok; 1 regression (compare), missing requirement (doctor, run, fuzz), failed\n' +
        'measurement (run) or findings (fuzz); 2 wrong arguments or unreadable results file.',
    );

  lab
    .command('doctor')
    .description(
      'what infra (Docker/testcontainers, local binaries, external URLs), k6, wrk, taskset and Chromium are available and how each will be used',
    )
    .action(async () => {
      const checks = await runDoctor();
      out(formatDoctor(checks));
      setExit(checks.some((c) => c.status === 'missing') ? EXIT.failed : EXIT.ok);
    });

  lab
    .command('list')
    .description('scenarios, targets, data layers and variants')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) => {
      out(options.json ? JSON.stringify(listing(), null, 2) : formatListing());
      setExit(EXIT.ok);
    });

  lab
    .command('run')
    .description(
      'measure a scenario × target selection outside vitest (progress bar + ETA), writing the same reports',
    )
    .option(
      '-s, --scenario <names>',
      'scenarios by id or number, comma-separated (default: every HTTP scenario)',
      collect,
    )
    .option(
      '-t, --target <names>',
      'targets or groups (default, all, a language), comma-separated (default: the default targets)',
      collect,
    )
    .addOption(
      new Option(
        '-e, --engine <engine>',
        'load engine (default: LAB_ENGINE, else inprocess; k6 saturates first on small machines)',
      ).choices(['k6', 'inprocess']),
    )
    .option(
      '-b, --budget <seconds>',
      'seconds of measured blocks per scenario (LAB_BUDGET; default 25 quick, 180 full)',
    )
    .option(
      '-r, --rounds <n>',
      'at most this many blocks per family (default: what the budget allows)',
    )
    .option(
      '-d, --duration <seconds>',
      'measured seconds per target per block (LAB_SLICE; default 1)',
    )
    .option('-w, --warmup <seconds>', 'unmeasured warm-up per target before the blocks')
    .option('--alpha <level>', 'family-wise error rate of the run (LAB_ALPHA, default 0.05)')
    .option('-q, --quick', 'short runs (LAB_QUICK=1)')
    .addOption(
      new Option(
        '--model <model>',
        'only the throughput (closed) or latency (open) ranking',
      ).choices(['closed', 'open']),
    )
    .option(
      '--rate <rps>',
      'open-model rate of the latency ranking (default: half the slowest target’s throughput)',
    )
    .option('--vus <n>', 'closed model: connections (LAB_VUS)')
    .option(
      '--target-url <url>',
      'bring your own target: a server implementing the contract, verified first, then ranked beside the targets (external, not pinned or sampled)',
    )
    .option('--name <name>', 'with --target-url: its name in the reports (default external)')
    .option(
      '--target-db-url <url>',
      'with --target-url: the database its /db routes use (enables the db checks and the db scenarios)',
    )
    .option(
      '--generators <n>',
      'k6 engine: split each measurement across n k6 processes (execution segments), latency merged from their raw samples',
    )
    .option('-o, --out <dir>', 'reports directory (default: LAB_REPORTS_DIR, else reports/)')
    .action(async (options) => {
      setExit(await runCommand(options, { out, err }));
    });

  lab
    .command('serve')
    .description(
      'start a seeded PostgreSQL + Redis, the upstream stub and the named targets, print their URLs, DATABASE_URL and a bearer token, and keep them up until Ctrl-C',
    )
    .argument('[targets]', 'targets or groups, comma-separated (none: the servers alone)')
    .option(
      '-f, --fixtures <names>',
      'fixture sets to seed, comma-separated (default: all)',
      collect,
    )
    .option(
      '-p, --port <port>',
      'fixed ports for the targets: this one and the next ones (default: free ports)',
    )
    .action(async (targets: string | undefined, options) => {
      setExit(await serveCommand(targets, options, { out, err }));
    });

  lab
    .command('k6-operator')
    .description(
      'print a k6-operator TestRun (k6.io/v1alpha1) and the ConfigMap with the scenario’s script, for kubectl apply: the load split over --parallelism runner pods',
    )
    .option('-s, --scenario <name>', 'the scenario (id or number), one', collect)
    .option('-p, --parallelism <n>', 'runner pods, each with 1/n of the load', '2')
    .option(
      '--base-url <url>',
      'the target as the pods reach it, e.g. http://my-api.default.svc:3000',
    )
    .option('--name <name>', 'metadata.name of the TestRun and ConfigMap (default lab-<scenario>)')
    .option('--namespace <ns>', 'metadata.namespace')
    .option('--image <image>', 'runner image (default grafana/k6 of the lab’s k6 version)')
    .option('--separate', 'one runner pod per node (spec.separate)')
    .option('--no-samples', 'no raw samples on the runners’ stdout (then percentiles cannot merge)')
    .addOption(new Option('--model <model>', 'load model').choices(['closed', 'open']))
    .option('--vus <n>', 'closed model: VUs over all pods')
    .option('--rate <rps>', 'open model: requests/s over all pods')
    .option('-d, --duration <seconds>', 'measured seconds')
    .option('-w, --warmup <seconds>', 'unmeasured warm-up seconds')
    .option('--iterations <n>', 'closed model: a fixed number of iterations over all pods')
    .option('--users <n>', 'rows of the target’s users table (scripts that pick ids)', '100000')
    .option(
      '--auth-secret <secret>',
      'the target’s LAB_AUTH_SECRET, for the TOKEN (default lab-secret)',
    )
    .option('-q, --quick', 'the scenario’s quick load (LAB_QUICK=1)')
    .action(async (options) => {
      setExit(await k6OperatorCommand(options, { out, err }));
    });

  lab
    .command('k6-merge')
    .description(
      'merge k6 JSON outputs or k6-operator runner logs: requests added, percentiles of the union of every sample',
    )
    .argument('<files...>', 'k6 --out json files or `kubectl logs` of the runner pods')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], options: { json?: boolean }) => {
      setExit(await k6MergeCommand(files, options, { out, err }));
    });

  lab
    .command('sweep')
    .description(
      'measure a target at several levels of one knob (users, pool size, workers): throughput–latency curve, USL knee, adjacent levels compared with verdicts',
    )
    .option('-t, --target <names>', 'targets, comma-separated (default fastify)', collect)
    .option(
      '--vus <list>',
      'closed-model users: a list to sweep (1,2,4,8), or one value to fix (default 10)',
    )
    .option(
      '--pool <list>',
      'database pool size (LAB_DB_POOL): a list to sweep, or one value (default 10)',
    )
    .option(
      '--workers <list>',
      'worker processes ({workers}): a list to sweep, or one value (default 1)',
    )
    .option('-s, --scenario <name>', 'the workload (default 03-db-read)')
    .addOption(
      new Option(
        '--cpus <mode>',
        'worker sweeps: fixed (the target keeps its CPUs) or scaled (one CPU per worker)',
      ).choices(['fixed', 'scaled']),
    )
    .option(
      '-b, --budget <seconds>',
      'seconds of measured blocks per target (default 20 per level, 8 quick)',
    )
    .option(
      '-d, --duration <seconds>',
      'measured seconds per level per block (LAB_SLICE; default 1)',
    )
    .option('--alpha <level>', 'family-wise error rate of the run (LAB_ALPHA, default 0.05)')
    .option('-q, --quick', 'quick budget (LAB_QUICK=1)')
    .option('-o, --out <dir>', 'reports directory (default: LAB_REPORTS_DIR, else reports/)')
    .action(async (options) => {
      setExit(await sweepCommand(options, { out, err }));
    });

  lab
    .command('calibrate')
    .description(
      'measure how well verdicts work on this machine: A/A false differences, equivalence within the budget, power on planted 5% and 10% slowdowns, minimum detectable effect',
    )
    .option('-n, --repeats <n>', 'repeats per case (default 20)')
    .option(
      '-b, --budget <seconds>',
      'seconds of blocks per pair (LAB_BUDGET; default 180, 25 quick)',
    )
    .option(
      '-c, --cases <names>',
      'aa-trivial, aa-target, planted-5, planted-10 (default: all)',
      collect,
    )
    .option('-t, --target <name>', 'the real target of aa-target (default fastify)')
    .option('-q, --quick', 'quick budget (LAB_QUICK=1)')
    .option(
      '-o, --out <dir>',
      'where calibration JSON goes (default: LAB_REPORTS_DIR, else reports/)',
    )
    .action(async (options) => {
      setExit(await calibrateCommand(options, { out, err }));
    });

  lab
    .command('report')
    .description('rebuild the Markdown and HTML reports from a results JSON')
    .argument('<results.json>', 'a run report (reports/run-….json or reports/latest.json)')
    .option('-o, --out <dir>', 'write into this directory (default: next to the JSON)')
    .action(async (file: string, options: { out?: string }) => {
      setExit(await reportCommand(file, options, { out, err }));
    });

  lab
    .command('fuzz')
    .description(
      'exploratory contract fuzzing (Schemathesis): every target, or --target, from the seeded database; exit 1 on findings',
    )
    .option(
      '-t, --target <names>',
      'targets, comma-separated (default: every registered one)',
      collect,
    )
    .option('-n, --max-examples <n>', 'test cases per operation and phase', '200')
    .option('--seed <n>', 'replay a run (default: a random seed, printed)')
    .option('--deterministic', 'derandomized generation, as `pnpm test` runs it')
    .option('--no-stateful', 'skip the stateful phase (sequences of calls)')
    .action(async (options) => {
      setExit(await fuzzCommand(options, { out, err }));
    });

  lab
    .command('compare')
    .description(
      'compare base and head per scenario × target with significance; exit 1 on a regression beyond the threshold. ' +
        'With --base <checkout>: measure both in one interleaved run (the CI gate); else compare two run reports',
    )
    .argument('[base.json]', 'the reference run (e.g. main)')
    .argument('[head.json]', 'the run under test (e.g. a pull request)')
    .option(
      '--base <checkout>',
      'measure: the base checkout (e.g. main in ../base) against this one, interleaved, in one run',
    )
    .option(
      '-s, --scenario <names>',
      'with --base: scenarios (default every in-process one)',
      collect,
    )
    .option(
      '-t, --target <names>',
      'with --base: targets or groups (default: the default targets)',
      collect,
    )
    .option('-b, --budget <seconds>', 'with --base: seconds of blocks per row (LAB_BUDGET)')
    .option('-q, --quick', 'with --base: quick budget (LAB_QUICK=1)')
    .option('--reports <dir>', 'with --base: where the run report goes (default: reports/)')
    .option('--threshold <fraction>', 'smallest slowdown that is a regression: 0.05 or 5%', '0.05')
    .option('--confidence <level>', 'confidence level of the intervals', '0.95')
    .addOption(
      new Option(
        '--metric <metric>',
        'one metric for every row (default: per engine and model)',
      ).choices([...METRICS]),
    )
    .option('--html <file>', 'also write the head run’s HTML report with the comparison')
    .option('--out <file>', 'also write the Markdown to a file')
    .action(async (base: string | undefined, head: string | undefined, options) => {
      if (options.base !== undefined) {
        if (base !== undefined || head !== undefined) {
          throw usageError('--base measures base and head itself: give no run reports with it.');
        }
        setExit(
          await interleavedCompareCommand(
            {
              base: options.base,
              scenario: options.scenario,
              target: options.target,
              threshold: options.threshold,
              budget: options.budget,
              quick: options.quick,
              out: options.reports,
              markdown: options.out,
            },
            { out, err },
          ),
        );
        return;
      }
      if (base === undefined || head === undefined) {
        throw usageError(
          'lab compare needs <base.json> <head.json>, or --base <checkout> to measure.',
        );
      }
      setExit(await compareCommand(base, head, options, { out, err }));
    });

  return lab;
}

async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program((c) => {
      code = c;
    }).parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its message already (help, version, or the usage error).
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      err(`lab: ${error.message}`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    err(`lab: unexpected error: ${message.split('\n')[0]}`);
    if (process.env.LAB_DEBUG === '1' && error instanceof Error && error.stack) err(error.stack);
    else err('lab: set LAB_DEBUG=1 for the stack trace.');
    return EXIT.failed;
  }
}

// pnpm passes `--` through when called as `pnpm lab -- …`; it is not an argument.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
process.exit(await main(args));
