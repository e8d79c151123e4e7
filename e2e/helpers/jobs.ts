// Jobs and jails for the agent specs, written the way ordering writes them (the domain's own
// functions over a Prisma client of the app's database).
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import { promisify } from "node:util";
import { createPrismaClient } from "@/lib/db-client";
import { allocateAddress } from "@/lib/domain/ipam/allocate-address";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { jailSpecOf } from "@/lib/domain/jails/jail-spec";
import { requireEnv } from "./env";

export const exec = promisify(execFile);
let client: ReturnType<typeof createPrismaClient> | undefined;
export const prisma = () => (client ??= createPrismaClient(requireEnv("E2E_DATABASE_URL")));
const rand = () => crypto.randomBytes(5).toString("hex");

/** A customer account, a jail row with addresses on the host, and its CREATE job. */
export async function orderJailOn(hostId: string) {
  const db = prisma();
  const host = await db.host.findUniqueOrThrow({ where: { id: hostId } });
  const plan = await db.plan.findFirstOrThrow({ where: { slug: "cell" } });
  const template = await db.template.findFirstOrThrow({ where: { slug: "freebsd-base" } });
  const account = await db.account.create({
    data: {
      name: `Agent spec ${rand()}`,
      billingEmail: `a-${rand()}@example.test`,
      addressLine1: "1 Road",
      city: "Town",
      postalCode: "1",
      country: "US",
    },
  });
  return db.$transaction(async (tx) => {
    const jail = await tx.jail.create({
      data: {
        hostname: `j${rand()}.example.test`,
        name: `cbe2e${rand()}`,
        accountId: account.id,
        planId: plan.id,
        templateId: template.id,
        hostId,
      },
    });
    await allocateAddress(tx, { hostId: hostId, kind: "PRIVATE", jailId: jail.id });
    await allocateAddress(tx, { hostId: hostId, kind: "PUBLIC", jailId: jail.id });
    const ipAddresses = await tx.ipAddress.findMany({ where: { jailId: jail.id } });
    const job = await enqueueJob(tx, {
      hostId,
      jailId: jail.id,
      type: "CREATE",
      payload: { jail: jailSpecOf({ ...jail, plan, template, host, ipAddresses }), sshKeys: [], start: true },
    });
    return { jail, job };
  });
}

export async function queueJob(hostId: string, jailId: string, type: "DESTROY" | "STOP" | "START", name: string) {
  return prisma().$transaction((tx) => enqueueJob(tx, { hostId, jailId, type, payload: { name } }));
}

export async function waitForJob(jobId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await prisma().job.findUniqueOrThrow({ where: { id: jobId } });
    if (job.status === "SUCCEEDED" || job.status === "FAILED" || job.status === "CANCELLED") return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What LXC itself says about a container: "RUNNING", "STOPPED", or null if it does not exist. */
export async function lxcState(name: string): Promise<string | null> {
  try {
    const { stdout } = await exec("lxc-info", ["-n", name, "-s"]);
    return /State:\s*(\S+)/.exec(stdout)?.[1] ?? null;
  } catch {
    return null;
  }
}
