import { NextResponse } from "next/server";
import { enrollHost } from "@/lib/domain/hosts/enroll-host";
import { checkSameOrigin } from "@/lib/http/same-origin";
import { errorResponse, readJson } from "@/lib/http/route";
import { AGENT_BODY_LIMIT, enrollRequest } from "@/lib/schemas/agent";

// The one agent endpoint without a bearer secret: the one-time enrolment token is the credential.
export async function POST(req: Request) {
  try {
    checkSameOrigin(req.headers, { allowMissing: true });
    const body = await readJson(req, enrollRequest, AGENT_BODY_LIMIT);
    return NextResponse.json(await enrollHost(body.token, { agentVersion: body.agentVersion, driver: body.driver }));
  } catch (err) {
    return errorResponse(err);
  }
}
