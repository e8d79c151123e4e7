import { describe, expect, it } from "vitest";
import { z } from "zod";
import { agentEnv } from "./agent";
import { ConfigError, intVar, parseConfig } from "./read-config";
import { authConfig, hostsConfig, jobsConfig } from "./server";
import { USAGE_DEFAULTS } from "./shared";

describe("configuration", () => {
  it("names the variable, the value and what it expected, for every bad variable at once", () => {
    let caught: unknown;
    try {
      parseConfig("jobs", jobsConfig.schema, { JOB_LEASE_SECONDS: "5m", JOB_BACKOFF_SECONDS: "-1" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('JOB_LEASE_SECONDS = "5m": expected a whole number from 1 to 86400');
    expect(message).toContain("how long an agent holds a job");
    expect(message).toContain('JOB_BACKOFF_SECONDS = "-1": expected a whole number from 0 to 86400');
    expect((caught as ConfigError).problems).toHaveLength(2);
  });

  it("never prints a secret's value", () => {
    expect(() => parseConfig("auth", authConfig.schema, { NEXTAUTH_SECRET: "short-secret" })).toThrow(
      /NEXTAUTH_SECRET = \(hidden\): expected at least 32 characters/,
    );
    expect(() => parseConfig("auth", authConfig.schema, { NEXTAUTH_SECRET: "short-secret" })).not.toThrow(/short-secret/);
  });

  it("serves agent metrics only with a token, on an address:port", () => {
    expect(() => parseConfig("agent", agentEnv.schema, { AGENT_METRICS_LISTEN: "127.0.0.1:9464" })).toThrow(
      /AGENT_METRICS_TOKEN = unset: required when AGENT_METRICS_LISTEN is set/,
    );
    expect(() => parseConfig("agent", agentEnv.schema, { AGENT_METRICS_LISTEN: "localhost", AGENT_METRICS_TOKEN: "t".repeat(20) })).toThrow(
      /AGENT_METRICS_LISTEN = "localhost": expected address:port/,
    );
    const env = parseConfig("agent", agentEnv.schema, { AGENT_METRICS_LISTEN: "[::1]:9464", AGENT_METRICS_TOKEN: "t".repeat(20) });
    expect(env.AGENT_METRICS_LISTEN).toBe("[::1]:9464");
    expect(parseConfig("agent", agentEnv.schema, {}).AGENT_METRICS_LISTEN).toBeUndefined();
  });

  it("treats an empty variable as unset and applies the default", () => {
    expect(parseConfig("jobs", jobsConfig.schema, { JOB_LEASE_SECONDS: "" }).JOB_LEASE_SECONDS).toBe(300);
    expect(parseConfig("t", z.object({ N: intVar(0, 9, 4, "n") }), {}).N).toBe(4);
  });

  it("gives the server and the agent the same usage defaults, from one place", () => {
    const server = parseConfig("hosts", hostsConfig.schema, {});
    expect([server.USAGE_INTERVAL, server.HOG_CPU_PERCENT, server.HOG_SECONDS]).toEqual([
      USAGE_DEFAULTS.usageIntervalSeconds,
      USAGE_DEFAULTS.hogCpuPercent,
      USAGE_DEFAULTS.hogSeconds,
    ]);
    // The agent has no default of its own: absent means "what the server sends".
    const agent = parseConfig("agent", agentEnv.schema, {});
    expect([agent.USAGE_INTERVAL, agent.HOG_CPU_PERCENT, agent.HOG_SECONDS]).toEqual([undefined, undefined, undefined]);
    expect(() => parseConfig("agent", agentEnv.schema, { HOG_SECONDS: "five" })).toThrow(/HOG_SECONDS = "five"/);
  });
});
