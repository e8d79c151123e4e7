// The agent API at its edges: one host's secret gets nothing of another host's, bad
// credentials and bad bodies are refused with a status and a message, and a long-polling lease
// is answered as soon as a job is queued for its host.
import { expect, test } from "@playwright/test";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { AgentProtocol, enrolHost } from "../helpers/hosts";
import { LOADED_MACHINE, prisma } from "../helpers/jobs";

const queueStart = (hostId: string, name = `cbapi${Date.now()}`) =>
  prisma().$transaction((tx) => enqueueJob(tx, { hostId, type: "START", payload: { name } }), LOADED_MACHINE);

test("a host's secret cannot lease or complete another host's jobs", async () => {
  const a = new AgentProtocol(await enrolHost({ tag: "api" }));
  const b = new AgentProtocol(await enrolHost({ tag: "api" }));
  const job = await queueStart(b.host.id);

  expect(await a.post("/api/agent/lease", { waitSeconds: 0, max: 10 })).toEqual({ status: 200, body: { jobs: [] } });
  expect(await a.post("/api/agent/lease", { waitSeconds: 0, hostId: b.host.id })).toEqual({
    status: 403,
    body: { error: "A host can only lease its own jobs.", code: "FORBIDDEN" },
  });
  expect(await a.post(`/api/agent/jobs/${job.id}/complete`, { status: "SUCCEEDED", result: {} })).toEqual({
    status: 403,
    body: { error: "This job belongs to another host.", code: "FORBIDDEN" },
  });
  expect((await prisma().job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("QUEUED");

  // B's own secret does get it, and may report on it.
  expect((await b.lease()).map((j) => j.id)).toEqual([job.id]);
  expect(await b.complete(job.id, { status: "SUCCEEDED", result: { running: true, jid: 3 } })).toEqual({
    status: "SUCCEEDED",
    duplicate: false,
  });
  expect(await prisma().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "SUCCEEDED", leasedBy: null });
});

test("bad credentials and bad bodies get 4xx with a message, never a 500", async ({ request }) => {
  const host = await enrolHost({ tag: "api" });
  const refused = async (res: Awaited<ReturnType<typeof request.post>>) => ({
    status: res.status(),
    body: (await res.json()) as { error: string; code: string; fieldErrors: Record<string, string[]> },
  });

  expect(await refused(await request.post("/api/agent/heartbeat", { data: {} }))).toEqual({
    status: 401,
    body: { error: "Missing or malformed agent credentials.", code: "UNAUTHENTICATED" },
  });
  expect(
    await refused(await request.post("/api/agent/heartbeat", { headers: { authorization: "Bearer nope-nope-nope-nope-nope" }, data: {} })),
  ).toEqual({ status: 401, body: { error: "Unknown agent credentials. Enrol the host again.", code: "UNAUTHENTICATED" } });

  const auth = { authorization: `Bearer ${host.secret}` };
  const malformed = await request.post("/api/agent/heartbeat", {
    headers: { ...auth, "content-type": "application/json" },
    data: Buffer.from("{not json"),
  });
  expect(await refused(malformed)).toEqual({ status: 422, body: { error: "Request body is not valid JSON.", code: "VALIDATION" } });

  const invalid = await refused(await request.post("/api/agent/usage", { headers: auth, data: { samples: [{ jail: "x; rm -rf /" }] } }));
  expect(invalid.status).toBe(422);
  expect(invalid.body).toMatchObject({ error: "Invalid request body.", code: "VALIDATION" });
  expect(invalid.body.fieldErrors["samples.0.jail"]).toEqual(["Invalid jail name."]);
  expect(Object.keys(invalid.body.fieldErrors)).toEqual(expect.arrayContaining(["samples.0.sampledAt", "samples.0.diskBytes"]));

  const huge = await refused(await request.post("/api/agent/heartbeat", { headers: auth, data: { padding: "x".repeat(3 * 1024 * 1024) } }));
  expect(huge.status).toBe(422);
  expect(huge.body.error).toMatch(/^Request body too large \(limit \d+ bytes\)\.$/);

  const foreign = await request.post("/api/agent/heartbeat", { headers: { ...auth, origin: "https://evil.example" }, data: {} });
  expect(await refused(foreign)).toEqual({ status: 403, body: { error: "Cross-origin request refused.", code: "FORBIDDEN" } });

  // None of it reached the host's record.
  expect((await prisma().host.findUniqueOrThrow({ where: { id: host.id } })).lastHeartbeatAt).toBeNull();
});

test("a long-polling lease is answered within a second of a job being queued for its host", async () => {
  const agent = new AgentProtocol(await enrolHost({ tag: "poll" }));
  for (let round = 0; round < 3; round++) {
    const asked = Date.now();
    const answer = agent.lease(20, 5).then((jobs) => ({ jobs, at: Date.now() }));
    const job = await queueStart(agent.host.id);
    const committedAt = Date.now();
    const { jobs, at } = await answer;
    expect(jobs.map((j) => j.id)).toEqual([job.id]);
    expect(at - committedAt, `round ${round}: answered ${at - asked} ms after asking`).toBeLessThan(1_000);
    await agent.complete(job.id, { status: "SUCCEEDED", result: { running: true } });
  }
});
