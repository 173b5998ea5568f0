import pg from 'pg';

/**
 * The plan PostgreSQL chooses for a statement with these parameters, as one line of its nodes
 * from the top: `Limit > Sort > Bitmap Heap Scan on documents > Bitmap Index Scan using
 * documents_body_trgm_idx`. Results record it, so a report shows which index answered. A plain
 * EXPLAIN with the values inlined by the planner (a custom plan), not EXPLAIN ANALYZE.
 */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

export function describePlan(node: PlanNode): string {
  const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const children = (node.Plans ?? []).map(describePlan);
  const self = `${node['Node Type']}${on}${using}`;
  return children.length === 0
    ? self
    : `${self} > ${children.length === 1 ? children[0] : `(${children.join(' | ')})`}`;
}

export async function explainPlan(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (FORMAT JSON) ${text}`,
      values,
    );
    const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
    return plan ? describePlan(plan) : 'no plan';
  } finally {
    await client.end();
  }
}
