import { readFileSync } from 'node:fs';

/**
 * PostgreSQL refuses to run as root. When we are root, servers run as an unprivileged account
 * (LAB_SERVER_USER, else `postgres` when it exists, else `nobody`) that owns their data dirs.
 */
export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

export function serverUser(env: NodeJS.ProcessEnv = process.env): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4);
  const wanted = env.LAB_SERVER_USER ? [env.LAB_SERVER_USER] : ['postgres', 'nobody'];
  for (const name of wanted) {
    const entry = passwd.find((fields) => fields[0] === name);
    if (entry) return { name, uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error(
    `Running as root, but no unprivileged account to run the database servers as (looked for ${wanted.join(', ')} in /etc/passwd). ` +
      'Set LAB_SERVER_USER to an existing unprivileged user, or run the lab as a normal user.',
  );
}
