// Issue 16 item 1: the process list of a jail, as FreeBSD's ps(1) really prints it.
// Source: bin/ps/keyword.c parsefmt() — "If an item contains an equals sign, it specifies a
// column header, may contain embedded separator characters and is always the last item" — and
// bin/ps/ps.c / print.c for widths, the header line and exit 1 when nothing matched. The fake
// host renders ps output by those rules (fake-ps.ts); the fixtures are that output.
import { describe, expect, it } from "vitest";
import { NotFoundError, ProcessNotFoundError } from "../driver";
import { existingJail, fixture, NAME, PROCS, setup } from "./fake-host";
import { parseFormat, renderPs } from "./fake-ps";
import { parsePs } from "./parse";

const procs = PROCS.map((p) => ({ ...p, jid: 1 }));

describe("ps -J as FreeBSD prints it", () => {
  it("one -o per keyword: four columns, no header — the fixture", () => {
    expect(renderPs(["ps", "-J", "1", "-o", "pid=", "-o", "nice=", "-o", "pcpu=", "-o", "comm="], procs)).toEqual({
      code: 0,
      stdout: fixture("ps-J.txt"),
    });
  });

  it("the old argv, -o pid=,nice=,pcpu=,comm=, prints one pid column headed ',nice=,pcpu=,comm=' — which the parser refuses", () => {
    expect(parseFormat("pid=,nice=,pcpu=,comm=")).toEqual([{ keyword: "pid", header: ",nice=,pcpu=,comm=" }]);
    const old = renderPs(["ps", "-J", "1", "-o", "pid=,nice=,pcpu=,comm="], procs);
    expect(old.stdout).toBe(fixture("ps-J-one-o.txt"));
    expect(() => parsePs(old.stdout)).toThrow('unexpected ps output line: ",nice=,pcpu=,comm="');
  });

  it("exits 1 when no process matched", () => {
    expect(renderPs(["ps", "-J", "9", "-o", "pid="], procs)).toEqual({ code: 1, stdout: "" });
  });
});

describe("FreeBsdDriver processes and renice", () => {
  it("lists the jail's processes by jid with one -o per keyword", async () => {
    const { host, driver } = await existingJail(true);
    const list = await driver.processes(NAME);
    expect(host.argvs().at(-1)).toBe("ps -J 1 -o pid= -o nice= -o pcpu= -o comm=");
    expect(list).toHaveLength(5);
    expect(list[3]).toEqual({ pid: 36590, nice: 20, cpuPercent: 97.4, command: "perl" });
  });

  it("a stopped jail has no processes; a missing one is not found", async () => {
    const { driver } = await existingJail(false);
    expect(await driver.processes(NAME)).toEqual([]);
    await expect(setup().driver.processes(NAME)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("renices a process of the jail (renice(8): `renice <priority> -p <pid>`); any other pid is a missing process", async () => {
    const { host, driver } = await existingJail(true);
    await driver.renice(NAME, 36590, 10);
    expect(host.argvs().at(-1)).toBe("renice 10 -p 36590");
    host.reset();
    const err = await driver.renice(NAME, 1, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessNotFoundError);
    expect((err as Error).message).toBe(`process 1 is not running in jail ${NAME}`);
    expect(host.argvs().some((a) => a.startsWith("renice"))).toBe(false);
  });
});
