import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Report and history files are written whole or not at all: the content goes to a temp file next
 * to the target (same directory, so the rename is atomic), is flushed to disk, and then takes the
 * target's name. A full or read-only disk, or a process killed mid-write, leaves the old file (or
 * none) and no temp file behind, never a truncated report.
 */

function writeTemp(path: string, data: string | Buffer): string {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const fd = openSync(temp, 'wx');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let offset = 0; offset < bytes.length; ) {
        offset += writeSync(fd, bytes, offset, bytes.length - offset);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return temp;
  } catch (error) {
    rmSync(temp, { force: true });
    throw new Error(`could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Replaces `path` with `data` atomically (the last writer wins, each version whole). */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const temp = writeTemp(path, data);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new Error(`could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** `writeFileAtomic(to, content of from)`. */
export function copyFileAtomic(from: string, to: string): void {
  writeFileAtomic(to, readFileSync(from));
}

/**
 * Creates `path` with `data` atomically unless it exists: false when it does (another run took the
 * name first), so that concurrent runs never overwrite each other's reports.
 */
export function createFileAtomic(path: string, data: string | Buffer): boolean {
  const temp = writeTemp(path, data);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`could not write ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    rmSync(temp, { force: true });
  }
}
