import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { errorResponse } from "@/lib/http/route";
import { checkSameOrigin } from "@/lib/http/same-origin";

type Ctx = { params: Promise<{ nextauth: string[] }> };

function handler(req: Request, ctx: Ctx) {
  return NextAuth(req as never, ctx as never, authOptions());
}

export const GET = handler;

// Sign-in and sign-out POSTs carry next-auth's own CSRF token. They may arrive without an
// Origin (that is the auth flow's own form post), but never from a foreign or null origin.
export async function POST(req: Request, ctx: Ctx) {
  try {
    checkSameOrigin(req.headers, { allowMissing: true });
  } catch (err) {
    return errorResponse(err);
  }
  return handler(req, ctx);
}
