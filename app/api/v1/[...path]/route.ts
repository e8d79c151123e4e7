// /api/v1/* — the REST API. Every method goes to the one dispatcher, which serves exactly the
// routes of lib/api/v1/routes.ts (and the OpenAPI document at /api/v1/openapi.json).
import { handleApiRequest } from "@/lib/api/v1/dispatch";

export const dynamic = "force-dynamic";

const handle = (req: Request) => handleApiRequest(req);
export { handle as GET, handle as POST, handle as PUT, handle as DELETE, handle as PATCH };
