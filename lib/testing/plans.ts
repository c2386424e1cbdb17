import type { QueryConfig } from "pg";

import { enginePool } from "@/db";

/** A node of an EXPLAIN (FORMAT JSON) plan, as far as the tests read it. */
export interface PlanNode {
  "Node Type"?: string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}

/**
 * Every node of the statement's plan as it ran (EXPLAIN ANALYZE on the engine's pool, in a transaction
 * that is rolled back, so nothing it writes stays).
 */
export async function executedPlanNodes(query: QueryConfig): Promise<PlanNode[]> {
  const client = await enginePool().connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`,
      query.values,
    );
    const nodes: PlanNode[] = [];
    const walk = (node: PlanNode) => {
      nodes.push(node);
      node.Plans?.forEach(walk);
    };
    walk(rows[0]!["QUERY PLAN"][0]!.Plan);
    return nodes;
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}
