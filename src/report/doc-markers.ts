/**
 * Generated sections of hand-written Markdown: `<!-- figures:<name>:start -->` … `<!-- figures:<name>:end -->`.
 * Only the text between a pair is ever rewritten, so the prose around it stays the author's; a
 * body is written the same way every time, so regenerating from the same run changes nothing.
 */
export const markerStart = (name: string): string => `<!-- figures:${name}:start -->`;
export const markerEnd = (name: string): string => `<!-- figures:${name}:end -->`;

const START = /<!-- figures:([A-Za-z0-9._-]+):start -->/g;

/** Names of the marked sections of a text, in order. */
export function markerNames(text: string): string[] {
  return [...text.matchAll(START)].map((m) => m[1] as string);
}

/**
 * The text with the section `name` holding `body`. Throws (naming `where`) when the section is
 * missing, marked twice, or its end marker is missing or stands before its start.
 */
export function replaceSection(text: string, name: string, body: string, where: string): string {
  const start = markerStart(name);
  const end = markerEnd(name);
  const from = text.indexOf(start);
  if (from < 0) throw new Error(`${where}: no ${start} marker`);
  if (text.indexOf(start, from + start.length) >= 0) {
    throw new Error(`${where}: ${start} appears more than once`);
  }
  const to = text.indexOf(end, from);
  if (to < 0 || text.indexOf(end) < from || text.indexOf(end, to + end.length) >= 0) {
    throw new Error(`${where}: ${start} needs exactly one ${end}, after it`);
  }
  return `${text.slice(0, from + start.length)}\n${body.trim()}\n${text.slice(to)}`;
}
