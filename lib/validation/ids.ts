import { z } from "zod";

const uuid = z.uuid();

/** True for an RFC 9562 UUID (what PostgreSQL's gen_random_uuid makes): ids in URLs are checked with it before any query. */
export const isUuid = (value: unknown): value is string => uuid.safeParse(value).success;
