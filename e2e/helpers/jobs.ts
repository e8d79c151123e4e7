// Jobs and jails for the agent specs, written the way ordering writes them (the domain's own
// functions over a Prisma client of the app's database).
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "@playwright/test";
import { createPrismaClient } from "@/lib/db-client";
import { allocateAddress } from "@/lib/domain/ipam/allocate-address";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { jailSpecOf } from "@/lib/domain/jails/jail-spec";
import { requireEnv } from "./env";

export const exec = promisify(execFile);
let client: ReturnType<typeof createPrismaClient> | undefined;
/** Prisma's 5 s default for an interactive transaction is too short on a loaded two-core machine. */
export const LOADED_MACHINE = { timeout: 60_000, maxWait: 30_000 };
export const prisma = () => (client ??= createPrismaClient(requireEnv("E2E_DATABASE_URL")));
const rand = () => crypto.randomBytes(5).toString("hex");

/**
 * An order placed on a chosen host: the jail row (QUEUED, as ordering makes it), its addresses
 * and its CREATE job, through the domain's own allocation and queueing. Placement is skipped
 * so a spec's jail lands on the spec's host; everything after this comes from an agent.
 * Without `accountId`, a fresh customer account is made for it.
 */
export async function orderJailOn(hostId: string, opts: { accountId?: string; plan?: string; hostname?: string } = {}) {
  const db = prisma();
  const host = await db.host.findUniqueOrThrow({ where: { id: hostId } });
  const plan = await db.plan.findFirstOrThrow({ where: { slug: opts.plan ?? "cell" } });
  const template = await db.template.findFirstOrThrow({ where: { slug: "freebsd-base" } });
  const accountId =
    opts.accountId ??
    (
      await db.account.create({
        data: {
          name: `Agent spec ${rand()}`,
          billingEmail: `a-${rand()}@example.test`,
          addressLine1: "1 Road",
          city: "Town",
          postalCode: "1",
          country: "US",
        },
      })
    ).id;
  return db.$transaction(async (tx) => {
    const jail = await tx.jail.create({
      data: {
        hostname: opts.hostname ?? `j${rand()}.example.test`,
        name: `cbe2e${rand()}`,
        accountId,
        planId: plan.id,
        templateId: template.id,
        hostId,
      },
    });
    await allocateAddress(tx, { hostId: hostId, kind: "PRIVATE", jailId: jail.id });
    await allocateAddress(tx, { hostId: hostId, kind: "PUBLIC", jailId: jail.id });
    const ipAddresses = await tx.ipAddress.findMany({ where: { jailId: jail.id }, include: { range: { select: { cidr: true } } } });
    const job = await enqueueJob(tx, {
      hostId,
      jailId: jail.id,
      type: "CREATE",
      payload: { jail: jailSpecOf({ ...jail, plan, template, host, ipAddresses }), sshKeys: [], start: true },
    });
    return { jail, job };
  }, LOADED_MACHINE);
}

export async function queueJob(hostId: string, jailId: string, type: "DESTROY" | "STOP" | "START", name: string) {
  return prisma().$transaction((tx) => enqueueJob(tx, { hostId, jailId, type, payload: { name } }), LOADED_MACHINE);
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

/** What LXC itself says about a container that exists: "RUNNING" or "STOPPED". Any failure throws. */
export async function lxcState(name: string): Promise<string> {
  const { stdout } = await exec("lxc-info", ["-n", name, "-s"]);
  const state = /State:\s*(\S+)/.exec(stdout)?.[1];
  if (!state) throw new Error(`lxc-info -n ${name} -s printed no state: ${stdout}`);
  return state;
}

/**
 * The container is gone from the host, established positively: lxc-ls (which must itself
 * succeed) does not list it, and its directory under the lxc path no longer exists.
 */
export async function expectGoneFromHost(name: string, lxcPath = "/var/lib/lxc") {
  const { stdout } = await exec("lxc-ls", ["-1", "-P", lxcPath]);
  expect(stdout.split(/\s+/).filter(Boolean), `lxc-ls still lists ${name}`).not.toContain(name);
  expect(fs.existsSync(path.join(lxcPath, name)), `${lxcPath}/${name} still exists`).toBe(false);
}
