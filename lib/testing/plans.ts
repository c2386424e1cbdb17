import type { PoolClient, QueryConfig } from "pg";

import { enginePool } from "@/db";

/** A node of an EXPLAIN (FORMAT JSON) plan, as far as the tests read it. */
export interface PlanNode {
  "Node Type"?: string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}

// A plan and every node below it, in one list.
const walkPlan = (node: PlanNode, nodes: PlanNode[] = []): PlanNode[] => {
  nodes.push(node);
  node.Plans?.forEach((child) => walkPlan(child, nodes));
  return nodes;
};

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
    return walkPlan(rows[0]!["QUERY PLAN"][0]!.Plan);
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}

/**
 * Every node of every statement `work` ran on one engine connection, as it ran — the statements that
 * triggers and functions ran inside them too (auto_explain, its plans sent back as notices) — in a
 * transaction that is rolled back. The plans PL/pgSQL had kept on that connection are dropped first, so
 * that the ones read here were made by this work. (LOAD needs a superuser, as the tests connect.)
 */
export async function planNodesRunBy(work: (client: PoolClient) => Promise<void>): Promise<PlanNode[]> {
  const client = await enginePool().connect();
  const plans: PlanNode[] = [];
  const onNotice = (notice: { message?: string }) => {
    const json = notice.message?.slice(notice.message.indexOf("{"));
    if (notice.message?.includes("plan:") && json) plans.push((JSON.parse(json) as { Plan: PlanNode }).Plan);
  };
  client.on("notice", onNotice);
  try {
    await client.query("DISCARD PLANS");
    await client.query("LOAD 'auto_explain'");
    for (const setting of [
      "log_min_duration = 0",
      "log_analyze = on",
      "log_timing = off",
      "log_nested_statements = on",
      "log_format = json",
      "log_level = notice",
    ])
      await client.query(`SET auto_explain.${setting}`);
    await client.query("BEGIN");
    await work(client);
    return plans.flatMap((plan) => walkPlan(plan));
  } finally {
    await client.query("ROLLBACK");
    client.off("notice", onNotice);
    // The connection keeps auto_explain loaded: it is closed rather than given back.
    client.release(true);
  }
}
