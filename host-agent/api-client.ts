// HTTP to the control plane, the agent's only channel: it never touches the database.
import crypto from "node:crypto";
import type { z } from "zod";
import type { completeRequest, heartbeatRequest, hogsRequest, jobProgressRequest, usageRequest } from "@/lib/schemas/agent";
import { heartbeatResponse, jobProgressResponse, leaseResponse } from "@/lib/schemas/agent";
import { consolesResponse } from "@/lib/schemas/console";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
  /** 4xx other than 408/429: sending the same thing again cannot succeed. */
  get permanent() {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

export class AgentApi {
  readonly instance = crypto.randomBytes(6).toString("hex");
  constructor(
    private readonly url: string,
    private readonly secret: string,
  ) {}

  private async post<T>(path: string, body: unknown, timeoutMs: number): Promise<T> {
    const res = await fetch(new URL(path, this.url), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.secret}`, "x-agent-instance": this.instance },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { error: text.slice(0, 200) };
    }
    if (!res.ok) throw new ApiError(res.status, (json as { error?: string }).error ?? `HTTP ${res.status}`);
    return json as T;
  }

  async heartbeat(body: z.input<typeof heartbeatRequest>) {
    return heartbeatResponse.parse(await this.post("/api/agent/heartbeat", body, 15_000));
  }
  async lease(waitSeconds: number, max: number) {
    return leaseResponse.parse(await this.post("/api/agent/lease", { waitSeconds, max }, (waitSeconds + 15) * 1000));
  }
  /** Long-poll (≤ waitSeconds) for browser console sessions this host should dial in for (host-agent/console.ts). */
  async consoles(waitSeconds: number) {
    return consolesResponse.parse(await this.post("/api/agent/consoles", { waitSeconds }, (waitSeconds + 15) * 1000));
  }
  complete(jobId: string, body: z.input<typeof completeRequest>) {
    return this.post<{ status: string }>(`/api/agent/jobs/${encodeURIComponent(jobId)}/complete`, body, 20_000);
  }
  /**
   * How far a running job got; also renews its lease. A 409 (ApiError.status) means the lease
   * was handed to another attempt: this one should stop.
   */
  async progress(jobId: string, body: z.input<typeof jobProgressRequest>) {
    return jobProgressResponse.parse(await this.post(`/api/agent/jobs/${encodeURIComponent(jobId)}/progress`, body, 15_000));
  }
  usage(body: z.input<typeof usageRequest>) {
    return this.post<{ accepted: number; duplicates: number; rejected: number }>("/api/agent/usage", body, 30_000);
  }
  hogs(body: z.input<typeof hogsRequest>) {
    return this.post<{ accepted: number }>("/api/agent/hogs", body, 20_000);
  }
}

export async function enroll(url: string, body: { token: string; agentVersion: string; driver: "lxc" | "freebsd" }) {
  const res = await fetch(new URL("/api/agent/enroll", url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const json = (await res.json().catch(() => ({}))) as { hostId?: string; hostName?: string; secret?: string; error?: string };
  if (!res.ok || !json.secret) throw new ApiError(res.status, json.error ?? `enrolment failed (HTTP ${res.status})`);
  return json as { hostId: string; hostName: string; secret: string };
}
