// Route handlers (machine callers: the host agent, next-auth, CSV exports) share one error
// mapping: ZodError → 422, AppError → its status, a unique clash → 409, malformed JSON → 400,
// anything else → a 500 that hides the internals and logs them.
import { NextResponse } from "next/server";
import { ZodError, type z } from "zod";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { zodFieldErrorsPlain } from "@/lib/schemas/zod-errors";

export function errorResponse(err: unknown): NextResponse {
  if (err instanceof AppError) {
    return NextResponse.json({ error: err.message, code: err.code, fieldErrors: err.fieldErrors }, { status: err.status });
  }
  if (err instanceof ZodError) {
    return NextResponse.json(
      { error: "Invalid request body.", code: "VALIDATION", fieldErrors: zodFieldErrorsPlain(err) },
      { status: 422 },
    );
  }
  if (isUniqueViolation(err)) {
    return NextResponse.json({ error: "That already exists.", code: "CONFLICT" }, { status: 409 });
  }
  console.error("[route] unexpected error", err);
  return NextResponse.json({ error: "Internal error.", code: "INTERNAL" }, { status: 500 });
}

/**
 * Reads a request body as UTF-8 text with a size cap. Reads the stream itself so an oversized
 * body is refused without buffering all of it.
 * @throws AppError VALIDATION when the body is larger than `maxBytes`.
 */
export async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("VALIDATION", `Request body too large (limit ${maxBytes} bytes).`);
  const reader = req.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new AppError("VALIDATION", `Request body too large (limit ${maxBytes} bytes).`);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Parses JSON text (an empty body is `{}`).
 * @throws AppError VALIDATION for text that is not JSON.
 */
export function parseJsonText(textBody: string): unknown {
  try {
    return textBody ? JSON.parse(textBody) : {};
  } catch {
    throw new AppError("VALIDATION", "Request body is not valid JSON.");
  }
}

/** Reads and validates a JSON body with a size cap (readBodyText, parseJsonText, then the schema). */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes: number): Promise<z.infer<S>> {
  return schema.parse(parseJsonText(await readBodyText(req, maxBytes)));
}
