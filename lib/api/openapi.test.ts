import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";

import { openApiDocument } from "./openapi";

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const doc = openApiDocument("https://portal.example.com");
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? "" : compileErrors(result)).toBe("");
    expect(result.specification).toBe("OpenAPI");
    expect(doc.openapi).toBe("3.1.0");
  });

  it("rejects a broken document (the check can fail)", async () => {
    const doc: Partial<ReturnType<typeof openApiDocument>> = structuredClone(
      openApiDocument("https://portal.example.com"),
    );
    delete doc.info;
    expect((await validate(doc as never)).valid).toBe(false);
  });

  it("describes the webhooks we send with their signature headers", () => {
    const doc = openApiDocument("https://portal.example.com");
    expect(Object.keys(doc.webhooks ?? {})).toEqual(["MESSAGE", "END"]);
    const message = JSON.stringify(doc.webhooks?.MESSAGE);
    for (const header of ["webhook-id", "webhook-timestamp", "webhook-signature"])
      expect(message).toContain(header);
  });
});
