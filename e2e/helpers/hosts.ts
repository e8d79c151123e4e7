// Hosts for e2e specs, enrolled the way an operator enrols one: a Host row with a one-time
// token (as the admin console's "Add host" makes), exchanged for the agent secret at the real
// /api/agent/enroll endpoint. Every host made here is DRAINING — it takes no new jails — so
// the order form in the other worker can never place a jail on it: orders go to the host
// "local" only, and a spec's own host holds only the jails the spec puts there.
import crypto from "node:crypto";
import { hashSecret, newSecret } from "@/lib/domain/hosts/agent-secrets";
import { populatePools } from "@/lib/domain/ipam/populate-pools";
import { requireEnv } from "./env";
import { LOADED_MACHINE, prisma } from "./jobs";

export type EnrolledHost = { id: string; name: string; secret: string };

/** A public /28 from 100.64.0.0/10, drawn from 2^18 blocks: hosts made by parallel specs do not collide. */
function randomPublicPool(): string {
  const n = crypto.randomInt(0, 64 * 256 * 16);
  return `100.${64 + Math.floor(n / 4096)}.${Math.floor(n / 16) % 256}.${(n % 16) * 16}/28`;
}

export async function enrolHost(
  opts: {
    tag?: string;
    url?: string;
    /** DRAINING (default) or STANDBY: neither is ever chosen by placement. */
    status?: "DRAINING" | "STANDBY";
    privateNetblock?: string;
    publicPoolCidr?: string;
    ipv6Prefix?: string;
  } = {},
): Promise<EnrolledHost> {
  const url = opts.url ?? requireEnv("E2E_BASE_URL");
  const tag = `${opts.tag ?? "e2e"}-${crypto.randomBytes(4).toString("hex")}`;
  const token = newSecret();
  const privateNetblock = opts.privateNetblock ?? `10.${crypto.randomInt(200, 250)}.${crypto.randomInt(0, 256)}.0/24`;
  const publicPoolCidr = opts.publicPoolCidr ?? randomPublicPool();
  const host = await prisma().$transaction(async (tx) => {
    const host = await tx.host.create({
      data: {
        name: tag,
        fqdn: `${tag}.e2e.test`,
        driver: "LXC",
        status: opts.status ?? "DRAINING",
        capacityJails: 20,
        capacityDiskMb: 100_000,
        capacityMemoryMb: 16_000,
        privateNetblock,
        enrollTokenHash: hashSecret(token),
        enrollTokenExpiresAt: new Date(Date.now() + 600_000),
      },
    });
    await populatePools(tx, { hostId: host.id, privateNetblock, publicPoolCidr, ipv6Prefix: opts.ipv6Prefix ?? null });
    return host;
  }, LOADED_MACHINE);
  const res = await fetch(new URL("/api/agent/enroll", url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, agentVersion: "e2e", driver: "lxc" }),
  });
  const body = (await res.json()) as { hostId?: string; secret?: string; error?: string };
  if (!res.ok || body.hostId !== host.id || !body.secret) throw new Error(`enrolment failed: ${res.status} ${JSON.stringify(body)}`);
  return { id: host.id, name: host.name, secret: body.secret };
}

type Leased = { id: string; type: string; jailId: string | null; payload: Record<string, unknown>; attempt: number };
type Report =
  | { status: "SUCCEEDED"; result: Record<string, unknown>; output?: string }
  | { status: "FAILED"; error: string; retryable: boolean; output?: string };

/**
 * The agent protocol spoken by the spec itself, for pages that must be seen in each state a
 * job passes through (queued, leased, finished, failed): the same HTTP calls, with the host's
 * secret, that a real agent makes. Whatever changes in the database changes through the
 * control plane's own lease and completion code.
 */
export class AgentProtocol {
  readonly instance = `e2e-${crypto.randomBytes(3).toString("hex")}`;
  constructor(
    readonly host: EnrolledHost,
    private readonly url = requireEnv("E2E_BASE_URL"),
  ) {}

  async post<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(new URL(path, this.url), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.host.secret}`, "x-agent-instance": this.instance },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  private async ok<T>(path: string, body: unknown): Promise<T> {
    const res = await this.post<T>(path, body);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  heartbeat(inventory: Array<{ name: string; jid: number | null; running: boolean }> | null = null) {
    return this.ok("/api/agent/heartbeat", {
      agentVersion: "e2e",
      driver: "lxc",
      loadAverage: 0.1,
      ready: true,
      reason: null,
      facts: {},
      inventory,
    });
  }

  /** Jobs leased and not yet reported, as an agent holds them while it works. */
  private held = new Map<string, Leased>();

  async lease(waitSeconds = 0, max = 20): Promise<Leased[]> {
    const { jobs } = await this.ok<{ jobs: Leased[] }>("/api/agent/lease", { waitSeconds, max });
    for (const j of jobs) this.held.set(j.id, j);
    return jobs;
  }

  async complete(jobId: string, report: Report) {
    const answer = await this.ok<{ status: string; duplicate: boolean }>(`/api/agent/jobs/${jobId}/complete`, report);
    this.held.delete(jobId);
    return answer;
  }

  usage(samples: unknown[]) {
    return this.ok<{ accepted: number; duplicates: number; rejected: number }>("/api/agent/usage", { samples });
  }

  /** Leases the jail's next open job (jobs of a jail come one at a time, in order). */
  async leaseFor(jailId: string): Promise<Leased> {
    const held = () => [...this.held.values()].find((j) => j.jailId === jailId);
    if (held()) return held()!;
    const jobs = await this.lease();
    if (!held()) throw new Error(`no job of jail ${jailId} to lease (got ${JSON.stringify(jobs.map((j) => j.type))})`);
    return held()!;
  }

  /** Long-polls until a job of the jail is due (after a retry's backoff, say) and leases it. */
  async leaseWhenDue(jailId: string, timeoutMs = 30_000): Promise<Leased> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const held = [...this.held.values()].find((j) => j.jailId === jailId);
      if (held) return held;
      if (Date.now() > deadline) throw new Error(`no job of jail ${jailId} became due within ${timeoutMs} ms`);
      await this.lease(3);
    }
  }

  /** Leases and reports success for every open job of the jail, as a healthy host would. */
  async runOpenJobs(jailId: string, result: { sshHostKeyFingerprint?: string } = {}): Promise<string[]> {
    const done: string[] = [];
    for (;;) {
      const open = await prisma().job.count({ where: { jailId, status: { in: ["QUEUED", "RUNNING"] } } });
      if (!open) return done;
      const job = await this.leaseFor(jailId);
      await this.complete(job.id, { status: "SUCCEEDED", result: successResult(job.type, result) });
      done.push(job.type);
    }
  }
}

function successResult(type: string, extra: { sshHostKeyFingerprint?: string }): Record<string, unknown> {
  switch (type) {
    case "CREATE":
    case "REINSTALL":
      return { jid: 7, running: true, sshHostKeyFingerprint: extra.sshHostKeyFingerprint ?? null };
    case "START":
    case "RESTART":
      return { jid: 7, running: true };
    case "STOP":
      return { jid: null, running: false };
    case "DESTROY":
      return { destroyed: true, running: false };
    default:
      return {};
  }
}
