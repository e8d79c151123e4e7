import { expect, test } from "@playwright/test";
import { hashSecret, newSecret } from "@/lib/domain/hosts/agent-secrets";
import { prisma } from "../helpers/jobs";

/** Two enrolled hosts (secrets set directly, as enrolment would). */
async function twoHosts() {
  const db = prisma();
  const make = async () => {
    const secret = newSecret();
    const tag = Math.random().toString(36).slice(2, 8);
    const host = await db.host.create({
      data: {
        name: `api-${tag}`,
        fqdn: `api-${tag}.example.test`,
        driver: "LXC",
        status: "ACTIVE",
        capacityJails: 5,
        capacityDiskMb: 1,
        capacityMemoryMb: 1,
        privateNetblock: "10.250.0.0/24",
        agentTokenHash: hashSecret(secret),
        enrolledAt: new Date(),
      },
    });
    return { host, secret };
  };
  return [await make(), await make()] as const;
}

test("a host's secret cannot lease or complete another host's jobs", async ({ request }) => {
  const [a, b] = await twoHosts();
  const job = await prisma().job.create({
    data: { hostId: b.host.id, type: "START", payload: { name: "cbothers01" }, idempotencyKey: `api-${Math.random()}` },
  });
  const auth = (s: string) => ({ authorization: `Bearer ${s}` });

  const lease = await request.post("/api/agent/lease", { headers: auth(a.secret), data: { waitSeconds: 0, max: 10 } });
  expect(lease.status()).toBe(200);
  expect((await lease.json()).jobs).toEqual([]);

  const named = await request.post("/api/agent/lease", { headers: auth(a.secret), data: { waitSeconds: 0, hostId: b.host.id } });
  expect(named.status()).toBe(403);

  const complete = await request.post(`/api/agent/jobs/${job.id}/complete`, {
    headers: auth(a.secret),
    data: { status: "SUCCEEDED", result: {} },
  });
  expect(complete.status()).toBe(403);
  expect((await prisma().job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("QUEUED");

  // B's own secret does get it.
  const own = await request.post("/api/agent/lease", { headers: auth(b.secret), data: { waitSeconds: 0 } });
  expect((await own.json()).jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
});

test("bad credentials and bad bodies get 4xx with a message, never a 500", async ({ request }) => {
  const [a] = await twoHosts();
  expect((await request.post("/api/agent/heartbeat", { data: {} })).status()).toBe(401);
  expect(
    (await request.post("/api/agent/heartbeat", { headers: { authorization: "Bearer nope-nope-nope-nope-nope" }, data: {} })).status(),
  ).toBe(401);
  const auth = { authorization: `Bearer ${a.secret}` };
  const malformed = await request.post("/api/agent/heartbeat", {
    headers: { ...auth, "content-type": "application/json" },
    data: Buffer.from("{not json"),
  });
  expect(malformed.status()).toBe(422);
  expect((await malformed.json()).error).toMatch(/not valid JSON/);
  const invalid = await request.post("/api/agent/usage", { headers: auth, data: { samples: [{ jail: "x; rm -rf /" }] } });
  expect(invalid.status()).toBe(422);
  const huge = await request.post("/api/agent/heartbeat", { headers: auth, data: { padding: "x".repeat(3 * 1024 * 1024) } });
  expect(huge.status()).toBe(422);
  expect((await huge.json()).error).toMatch(/too large/);
  const foreign = await request.post("/api/agent/heartbeat", { headers: { ...auth, origin: "https://evil.example" }, data: {} });
  expect(foreign.status()).toBe(403);
});
