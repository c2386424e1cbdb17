/** The react-query key of the account's integration cards (see components/integrations/integration-list.tsx). */
export const INTEGRATIONS_QUERY_KEY = ["integrations"] as const;
