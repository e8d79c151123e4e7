// The Prometheus endpoint: refused without its token, and with it, the figures an operator
// scrapes (the README's scrape configuration relies on these names).
import { expect, test } from "@playwright/test";

test("/api/metrics needs the bearer token and reports requests, the queue and hosts", async ({ request }) => {
  const token = process.env.E2E_METRICS_TOKEN;
  expect(token, "npm test sets METRICS_TOKEN").toBeTruthy();
  const anonymous = await request.get("/api/metrics");
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.text()).toContain("bearer token is required");
  const wrong = await request.get("/api/metrics", { headers: { authorization: `Bearer ${token}x` } });
  expect(wrong.status()).toBe(401);

  await request.get("/login");
  const res = await request.get("/api/metrics", { headers: { authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  const text = await res.text();
  expect(text).toMatch(/cellblock_http_request_duration_seconds_count\{method="GET",route="\/login",status="200"\} [1-9]/);
  expect(text).toMatch(/cellblock_jobs\{status="QUEUED"\} \d+/);
  expect(text).toMatch(/cellblock_job_oldest_queued_seconds \d+/);
  expect(text).toMatch(/cellblock_hosts\{health="online"\} [1-9]/); // the suite's own agent
  expect(text).toMatch(/cellblock_heartbeats_total [1-9]/);
});
