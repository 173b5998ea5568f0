/** One word of a shell command: quoted only when the shell would split or expand it. */
export function shellWord(value: string): string {
  return /^[\w.,:/=+@%-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
