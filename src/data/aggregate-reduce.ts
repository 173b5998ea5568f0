import type { AuthorRevenue, GroupStats } from './types.ts';

/**
 * Scenario 17's `reduce` strategy, shared by every layer: the aggregates of the SQL reports
 * computed in code from loaded rows, exactly (amounts as integer cents: 100,000 orders of at
 * most 500.00 sum to far below 2^53), formatted the way PostgreSQL prints numeric(…, 2).
 */

/** "12.50" (or "12.5", "12") → 1250. */
export function toCents(amount: string | number): number {
  const text = String(amount);
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -cents : cents;
}

/** 1250 → "12.50". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** round(sum / count, 2) of amounts, half away from zero, as PostgreSQL rounds numeric. */
export function averageCents(sumCents: number, count: number): number {
  const sign = sumCents < 0 ? -1 : 1;
  return sign * Math.floor((2 * Math.abs(sumCents) + count) / (2 * count));
}

interface Tally {
  orders: number;
  quantity: number;
  cents: number;
}

/** GROUP BY key: COUNT, SUM(quantity), SUM(amount), AVG(amount); ordered by key. */
export function groupOrders(
  rows: Iterable<{ key: string; quantity: number; amount: string | number }>,
): GroupStats[] {
  const groups = new Map<string, Tally>();
  for (const row of rows) {
    const tally = groups.get(row.key);
    const cents = toCents(row.amount);
    if (tally) {
      tally.orders++;
      tally.quantity += row.quantity;
      tally.cents += cents;
    } else {
      groups.set(row.key, { orders: 1, quantity: row.quantity, cents });
    }
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, t]) => ({
      key,
      orders: t.orders,
      quantity: t.quantity,
      revenue: formatCents(t.cents),
      avgAmount: formatCents(averageCents(t.cents, t.orders)),
    }));
}

/**
 * The `size` authors with the most revenue (ties: lower id first), before names are known:
 * the caller reads the names of these ids and completes them with `withNames`.
 */
export function topAuthorTallies(
  rows: Iterable<{ authorId: number; amount: string | number }>,
  size: number,
): Array<{ authorId: number } & Tally> {
  const byAuthor = new Map<number, Tally>();
  for (const row of rows) {
    const tally = byAuthor.get(row.authorId);
    const cents = toCents(row.amount);
    if (tally) {
      tally.orders++;
      tally.cents += cents;
    } else {
      byAuthor.set(row.authorId, { orders: 1, quantity: 0, cents });
    }
  }
  return [...byAuthor.entries()]
    .map(([authorId, tally]) => ({ authorId, ...tally }))
    .sort((a, b) => b.cents - a.cents || a.authorId - b.authorId)
    .slice(0, size);
}

/** Tallies with their authors' names; authors without a row are dropped (an inner join). */
export function withNames(
  tallies: ReadonlyArray<{ authorId: number } & Tally>,
  names: ReadonlyMap<number, string>,
): AuthorRevenue[] {
  return tallies.flatMap((t) => {
    const name = names.get(t.authorId);
    return name === undefined
      ? []
      : [
          {
            authorId: t.authorId,
            name,
            orders: t.orders,
            revenue: formatCents(t.cents),
            avgAmount: formatCents(averageCents(t.cents, t.orders)),
          },
        ];
  });
}
