// The wrapper every /api/agent/* handler goes through: refuse browser cross-site posts,
// authenticate the host by its bearer secret, read and validate the JSON body with a size
// cap, and map errors (lib/http/route.ts). Handlers receive `{ host, body }` and never read
// the headers themselves.
import { NextResponse } from "next/server";
import type { z } from "zod";
import { authenticateAgent, type AgentHost } from "@/lib/domain/hosts/authenticate-agent";
import { checkSameOrigin } from "@/lib/http/same-origin";
import { errorResponse, readJson } from "@/lib/http/route";

export function agentRoute<S extends z.ZodType, Ctx = unknown>(
  schema: S,
  maxBytes: number,
  handler: (args: { host: AgentHost; body: z.infer<S>; req: Request; ctx: Ctx }) => Promise<unknown>,
) {
  return async (req: Request, ctx: Ctx) => {
    try {
      // Agents send no Origin; a browser page on another site would, and is refused.
      checkSameOrigin(req.headers, { allowMissing: true });
      const host = await authenticateAgent(req.headers.get("authorization"));
      const body = await readJson(req, schema, maxBytes);
      const result = await handler({ host, body, req, ctx });
      return result instanceof Response ? result : NextResponse.json(result ?? { ok: true });
    } catch (err) {
      return errorResponse(err);
    }
  };
}
