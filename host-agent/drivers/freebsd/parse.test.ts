// The parsers on real FreeBSD output shapes (fixtures/README.md cites the source of each).
import { describe, expect, it } from "vitest";
import { parseJls, parsePfLabels, parsePs, parseRctlRules, parseRctlUsage, parseSshKeygenFingerprint, parseZfsGetNameValue } from "./parse";
import { DS, NAME, fixture } from "./fake-host";

describe("parsers on real FreeBSD output shapes", () => {
  it("jls --libxo json -v", () => {
    expect(parseJls(fixture("jls-v.json"))).toEqual([
      { name: "cbk3x9q2m7", jid: 2, running: true, hostname: "www.example.com" },
      { name: "cbw8r4t1z0", jid: 7, running: true, hostname: "shop.example.org" },
      { name: "builder", jid: 11, running: true, hostname: "builder" },
    ]);
    expect(parseJls(fixture("jls-v-j.json"))).toHaveLength(1);
    expect(parseJls('{"__version": "2", "jail-information": {"jail": []}}')).toEqual([]);
  });

  it("jls: refuses a libxo version it does not know, and names a missing field", () => {
    // JLS_XO_VERSION is "2" in usr.sbin/jls/jls.c; the fields read are the ones -v emits there.
    const v3 = fixture("jls-v-j.json").replace('"__version": "2"', '"__version": "3"');
    expect(() => parseJls(v3)).toThrow('jls output is libxo version "3", which this agent does not know (it reads version 2)');
    expect(() => parseJls('{"jail-information": {"jail": []}}')).toThrow("jls output has no libxo __version");
    const noName = fixture("jls-v-j.json").replace('"name":"cbk3x9q2m7",', "");
    expect(() => parseJls(noName)).toThrow(/^jls output lacks jail-information\.jail\[0\]\.name$/);
    expect(() => parseJls('{"__version": "2"}')).toThrow(/^jls output lacks jail-information$/);
    expect(() => parseJls('{"__version": "2", "jail-information": {"jail": [{"jid": "2", "name": "x"}]}}')).toThrow(
      /^jls output has an invalid jail-information\.jail\[0\]\.jid: /,
    );
    expect(() => parseJls('jls: jail "x" not found')).toThrow(/^jls output is not JSON/);
  });

  it("rctl rule listing", () => {
    const rules = parseRctlRules(fixture("rctl-rules.txt"));
    expect(rules).toHaveLength(5);
    expect(rules[0]).toEqual({
      text: `jail:${NAME}:memoryuse:deny=536870912`,
      subject: "jail",
      subjectId: NAME,
      resource: "memoryuse",
      action: "deny",
      amount: 536870912,
      per: null,
    });
    expect(rules[4]).toMatchObject({ resource: "openfiles", per: "process" });
    expect(parseRctlRules("")).toEqual([]);
    expect(() => parseRctlRules("jail:x:memoryuse:deny=512M")).toThrow(); // humanised (-h) output is not what we asked for
  });

  it("rctl -u", () => {
    const u = parseRctlUsage(fixture("rctl-u.txt"));
    expect(u).toMatchObject({ cputime: 174, memoryuse: 25550848, maxproc: 5, pcpu: 0, vmemoryuse: 296804352 });
    expect(Object.keys(u)).toHaveLength(25);
  });

  it("pfctl -s labels, one label or several per rule", () => {
    const one = parsePfLabels(fixture("pfctl-s-labels.txt"));
    expect(one[0]).toEqual({
      labels: [`${NAME}-in`],
      evaluations: 3021,
      packets: 48211,
      bytes: 51234567,
      packetsIn: 30102,
      bytesIn: 47000000,
      packetsOut: 18109,
      bytesOut: 4234567,
      states: 211,
    });
    const multi = parsePfLabels(fixture("pfctl-s-labels-multi.txt"));
    expect(multi[1]).toMatchObject({ labels: [`${NAME}-out`, "cellblock"], bytesIn: 812345, bytesOut: 9000000 });
  });

  it("ps -o pid=,nice=,pcpu=,comm=", () => {
    expect(parsePs(fixture("ps-J.txt"))).toEqual([
      { pid: 36211, nice: 0, cpuPercent: 0, command: "init" },
      { pid: 36502, nice: 0, cpuPercent: 0, command: "syslogd" },
      { pid: 36577, nice: 0, cpuPercent: 0, command: "cron" },
      { pid: 36590, nice: 20, cpuPercent: 97.4, command: "perl" },
      { pid: 36604, nice: -5, cpuPercent: 1.2, command: "nginx" },
    ]);
    expect(parsePs("")).toEqual([]);
  });

  it("ssh-keygen -l and zfs get -Hp", () => {
    expect(parseSshKeygenFingerprint(fixture("ssh-keygen-l.txt"))).toBe("SHA256:uqN3Zo8N2oXyp0SHsXVX1CqYaxZ8mJ3Jv6a0G6lFkQE");
    expect(parseZfsGetNameValue(fixture("zfs-get-used-d1.txt"))).toEqual(
      new Map([
        ["zroot/cellblock/jails", 2952790016],
        [DS, 1342177280],
        ["zroot/cellblock/jails/cbw8r4t1z0", 1610612736],
      ]),
    );
    expect(Number(fixture("zfs-get-refquota.txt").trim())).toBe(10737418240);
    expect(fixture("jls-not-found.stderr")).toMatch(/not found/);
  });
});
