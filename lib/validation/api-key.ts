import { z } from "zod";

export const apiKeyInputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Give the key a name, like the system that will use it")
    .max(80, "At most 80 characters"),
});
