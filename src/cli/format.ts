/** Plain aligned columns for the terminal; the last column is not padded. */
export function textTable(rows: readonly (readonly string[])[], gap = 2): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i < row.length - 1 ? cell + ' '.repeat((widths[i] ?? 0) - [...cell].length + gap) : cell,
        )
        .join('')
        .trimEnd(),
    )
    .join('\n');
}
