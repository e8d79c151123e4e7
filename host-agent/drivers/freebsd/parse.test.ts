// The parsers on real FreeBSD output shapes (fixtures/README.md cites the source of each).
import { describe, expect, it } from "vitest";
import { labelLine } from "./fake-pf";
import {
  parseIfconfigInet,
  parseJls,
  parsePfAnchors,
  parsePfLabels,
  parsePfLimits,
  parsePs,
  parseRctlRules,
  parseRctlUsage,
  parseSshKeygenFingerprint,
  parseZfsGetNameValue,
  parseZfsProps,
} from "./parse";
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
    // The fake host prints label lines in pfctl_show_rules()'s format: the fixture is that format.
    expect(
      labelLine(`${NAME}-g1-in`, {
        evaluations: 3021,
        packets: 48211,
        bytes: 51234567,
        pin: 30102,
        bin: 47000000,
        pout: 18109,
        bout: 4234567,
        states: 211,
      }),
    ).toBe(fixture("pfctl-s-labels.txt").split("\n")[0] + "\n");
    expect(one[0]).toEqual({
      labels: [`${NAME}-g1-in`],
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

  it("ps -o pid= -o nice= -o pcpu= -o comm=", () => {
    expect(parsePs(fixture("ps-J.txt"))).toEqual([
      { pid: 36211, nice: 0, cpuPercent: 0, command: "init" },
      { pid: 36502, nice: 0, cpuPercent: 0, command: "syslogd" },
      { pid: 36577, nice: 0, cpuPercent: 0, command: "cron" },
      { pid: 36590, nice: 20, cpuPercent: 97.4, command: "perl" },
      { pid: 36604, nice: -5, cpuPercent: 1.2, command: "nginx" },
    ]);
    expect(parsePs("")).toEqual([]);
  });

  it("pfctl -s memory (FreeBSD 14 and 15), pfctl -v -s Anchors, ifconfig, zfs get property,value", () => {
    expect(parsePfLimits(fixture("pfctl-s-memory-14.txt"))).toEqual({
      states: 100000,
      "src-nodes": 10000,
      frags: 5000,
      "table-entries": 200000,
    });
    expect(parsePfLimits(fixture("pfctl-s-memory-15.txt")).anchors).toBe(512);
    expect(parsePfLimits("states        unlimited\n")).toEqual({ states: null });
    expect(parsePfAnchors("  blacklistd\n  cellblock\n  cellblock/cbk3x9q2m7\n")).toEqual([
      "blacklistd",
      "cellblock",
      "cellblock/cbk3x9q2m7",
    ]);
    expect(
      parseIfconfigInet(
        "em0: flags=8843<UP> mtu 1500\n\tinet 198.51.100.10 netmask 0xffffff00 broadcast 198.51.100.255\n\tinet 203.0.113.5 netmask 0xffffffff\n",
      ),
    ).toEqual(["198.51.100.10", "203.0.113.5"]);
    expect(parseZfsProps(fixture("zfs-get-disk-figures.txt"))).toEqual({
      referenced: 12884901888,
      refquota: 21474836480,
      refreservation: 0,
    });
    expect(() => parseZfsProps("referenced\t12G\n")).toThrow(/unexpected zfs get line/);
  });

  it("ssh-keygen -l and zfs get -Hp", () => {
    expect(parseSshKeygenFingerprint(fixture("ssh-keygen-l.txt"))).toBe("SHA256:uqN3Zo8N2oXyp0SHsXVX1CqYaxZ8mJ3Jv6a0G6lFkQE");
    expect(parseZfsGetNameValue(fixture("zfs-get-referenced-d1.txt"))).toEqual(
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
