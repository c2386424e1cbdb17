import { AppError } from "@/lib/errors";

/** How large a body each kind of route reads: provider webhooks (a WhatsApp batch is a few KB) and v1 API calls. */
export const BODY_LIMITS = { providerWebhook: 1024 * 1024, api: 64 * 1024 } as const;

const describeLimit = (limit: number) =>
  limit >= 1024 * 1024 ? `${limit / (1024 * 1024)} MB` : `${limit / 1024} KB`;

/**
 * A request's body as UTF-8 text, read at most `limit` bytes: anyone can post, and nothing is parsed
 * (or signature-checked) before all of it is in. Past the limit — declared or actually sent — it
 * throws AppError PAYLOAD_TOO_LARGE (413) and stops reading.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const tooLarge = () =>
    new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${describeLimit(limit)}`);
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    size += part.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(part.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The media type of a request's body (`application/json`), lower-cased, without parameters. */
export const mediaType = (request: Request) =>
  request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() || undefined;

/** JSON, including the structured `+json` types (`application/merge-patch+json`). */
export const isJsonMediaType = (type: string | undefined) =>
  type === "application/json" || (type?.startsWith("application/") === true && type.endsWith("+json"));
