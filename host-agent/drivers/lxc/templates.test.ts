// LxcDriver's Debian templates: the mmdebstrap build, the cache, the unpack.
// The lxc driver by the exact argv it issues and the files it writes, on a fake host
// (fake-lxc.ts, answers captured from the real tools). The end-to-end suite runs it for real.
import { describe, expect, it } from "vitest";
import { CommandError } from "../../exec";
import { CACHE, CONFIG, DEBIAN, HASH, KEY, NAME, ROOTFS, existingContainer, fixture, setup, spec } from "./fake-lxc";
import { buildPhase, templateKey } from "./templates";

import { INFO, ARCHIVE, MAKE_DISK, managed, progressLog } from "./test-kit";

describe("LxcDriver templates (Debian by mmdebstrap)", () => {
  it("builds once into the cache: mmdebstrap from the host's sources, per-jail files removed, packed under a temporary name, renamed", async () => {
    const { host, mem, driver } = setup();
    const { reports, job } = progressLog();
    mem.dirs.add(CACHE);
    mem.dirs.add(`${CACHE}/.build-${templateKey(DEBIAN, DEBIAN.lxcRootfs as never)}-999999-0badc0de`); // a killed agent's
    expect(await driver.buildTemplate(DEBIAN, job)).toEqual({ bytes: 233_277_440, cached: false });
    const argv = host.argvs();
    // The killed agent's build directory goes first (its pid is gone from /proc).
    expect(argv.shift()).toBe(`rm -rf --one-file-system ${CACHE}/.build-${templateKey(DEBIAN, DEBIAN.lxcRootfs as never)}-999999-0badc0de`);
    expect(argv[0]).toMatch(
      new RegExp(
        `^mmdebstrap --verbose --variant=minbase --include=systemd-sysv,openssh-server,iproute2,less bookworm ${CACHE}/\\.build-debian-12-v1-[0-9a-f]{12}-\\d+-[0-9a-f]{8}/root$`,
      ),
    );
    const root = argv[0]!.split(" ").at(-1)!;
    expect(argv[1]).toBe(`ln -sfn /dev/null ${root}/etc/systemd/system/ssh.socket`);
    expect(argv[2]).toMatch(
      new RegExp(`^tar --numeric-owner --xattrs --xattrs-include=\\* -C ${root} -cf ${ARCHIVE}\\.\\.build-\\S+ \\.$`),
    );
    expect(mem.files.has(ARCHIVE)).toBe(true);
    // No jail may share another's SSH host keys or machine id: what was packed has none.
    expect([...host.packed.keys()].filter((f) => f.includes("ssh_host_"))).toEqual([]);
    expect(host.packed.get("/etc/machine-id")).toBe("uninitialized\n");
    expect(host.packed.get("/etc/systemd/system/ssh.service.d/cellblock-host-keys.conf")).toContain(
      "ExecStartPre=/usr/bin/ssh-keygen -A\n",
    );
    expect(host.packed.get("/etc/ssh/sshd_config.d/cellblock.conf")).toContain("PermitRootLogin yes\n");
    expect(host.packed.has("/etc/hostname")).toBe(false);
    // Progress in words, never backwards, with mmdebstrap's output for the admin.
    const percents = reports.map((r) => r.percent).filter((p) => p !== undefined);
    expect(percents).toEqual([...percents].sort((a, b) => a! - b!));
    expect(percents.at(-1)).toBe(100);
    expect(reports.some((r) => /^Installing the template's packages \(\d+ of 72\)$/.test(r.message ?? ""))).toBe(true);
    expect(reports.some((r) => r.output?.includes("I: success"))).toBe(true);
    // The build directory is removed without crossing into a file system mounted below it.
    await new Promise((r) => setImmediate(r));
    expect(host.argvs()).toContain(`rm -rf --one-file-system ${root.slice(0, -"/root".length)}`);

    host.reset();
    expect(await driver.buildTemplate(DEBIAN)).toEqual({ bytes: 233_277_440, cached: true });
    expect(host.calls).toEqual([]);
  });

  it("a failed build leaves no tarball a jail could unpack, and says what apt said", async () => {
    const { host, mem, driver } = setup();
    host.failMmdebstrap = true;
    const err = await driver.buildTemplate(DEBIAN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).outputTail).toContain("E: apt-get update failed");
    expect([...mem.files.keys()].filter((f) => f.startsWith(CACHE) && f.includes(".tar"))).toEqual([]);
  });

  it("reads mmdebstrap's progress from its output: the step, then the share of packages set up", () => {
    const log = fixture("mmdebstrap-verbose.txt");
    expect(buildPhase("")).toBeNull();
    expect(buildPhase(log.slice(0, log.indexOf("I: extracting archives")))).toEqual({ percent: 12, message: "Downloading packages" });
    const from = log.indexOf("I: installing remaining packages");
    const to = log.indexOf("I: cleaning package lists");
    expect(buildPhase(log.slice(0, log.indexOf("\n", from) + 1))?.percent).toBe(50);
    const half = buildPhase(log.slice(0, log.indexOf("Setting up", (from + to) / 2)))!;
    expect(half.percent).toBeGreaterThan(50);
    expect(half.percent).toBeLessThan(85);
    expect(half.message).toMatch(/^Installing the template's packages \(\d+ of 72\)$/);
    expect(buildPhase(log)).toEqual({ percent: 88, message: "Built" });
  });

  it("keys the cache by slug, version and a digest of the recipe", () => {
    const key = templateKey(DEBIAN, DEBIAN.lxcRootfs as never);
    expect(key).toMatch(/^debian-12-v1-[0-9a-f]{12}$/);
    const more = { ...DEBIAN.lxcRootfs!, packages: ["openssh-server", "iproute2", "less", "vim"] } as never;
    expect(templateKey(DEBIAN, more)).not.toBe(key);
    expect(templateKey({ ...DEBIAN, version: 2 }, DEBIAN.lxcRootfs as never)).toMatch(/^debian-12-v2-/);
  });

  it("creates a jail by unpacking the cached template into its disk, writes its config, waits for sshd, reports the key sshd presents", async () => {
    const { host, mem, driver } = setup({ bridge: "cbbr0" });
    await driver.buildTemplate(DEBIAN);
    host.reset();
    const { reports, job } = progressLog();
    const result = await driver.create(spec({ template: DEBIAN }), { sshKeys: [KEY], start: true, rootPasswordHash: HASH, job });
    const argv = host.argvs();
    expect(argv.slice(0, MAKE_DISK.length)).toEqual(MAKE_DISK);
    expect(argv[MAKE_DISK.length]).toBe(`tar --numeric-owner --xattrs --xattrs-include=* -p -C ${ROOTFS} -xf ${ARCHIVE}`);
    expect(argv).not.toContain(expect.stringMatching(/^(lxc-create|mmdebstrap)/));
    expect(argv.slice(-3)).toEqual([INFO, `lxc-attach -n ${NAME} -- /bin/cat /etc/ssh/ssh_host_ed25519_key.pub`, "ssh-keygen -l -f -"]);
    // The public key goes to ssh-keygen on stdin, read from inside the jail.
    expect(host.calls.at(-1)!.input).toBe(fixture("ssh-host-ed25519.pub"));
    expect(result).toMatchObject({
      running: true,
      adopted: false,
      rootPasswordSet: true,
      sshHostKeyFingerprint: "SHA256:jC8TJaAGjh8lq9wOcsiKe1LqR0f1tZWvvTR6UYxSSPU",
    });
    const config = mem.files.get(CONFIG)!;
    expect(config).toContain("lxc.include = /usr/share/lxc/config/common.conf\n");
    expect(config).toContain("lxc.signal.halt = SIGRTMIN+3\n");
    expect(config).toContain("lxc.mount.entry = tmpfs run tmpfs rw,nosuid,nodev,mode=755,size=64m,create=dir 0 0\n");
    expect(managed(config).block).toContain("lxc.cap.drop = sys_admin");
    expect(mem.files.get(`${ROOTFS}/etc/hosts`)).toContain("127.0.1.1\twww.example.com www\n");
    expect(mem.files.get(`${ROOTFS}/etc/shadow`)).toMatch(new RegExp(`^root:${HASH.replaceAll("$", "\\$")}:20759:`));
    expect(mem.files.has(`${ROOTFS}/etc/init.d/rcS`)).toBe(false);
    expect(reports.map((r) => r.message).filter(Boolean)).toEqual([
      "Making the jail's 10240 MB disk",
      "Unpacking the template into the jail's disk",
      "Writing the jail's hostname, keys and root password",
    ]);
  });

  it("a host whose cache lacks the template builds it as part of the create", async () => {
    const { host, driver } = setup();
    const result = await driver.create(spec({ template: DEBIAN }), { sshKeys: [], start: false });
    expect(host.argvs()[0]).toMatch(/^mmdebstrap /);
    expect(host.argvs()).toContain(`tar --numeric-owner --xattrs --xattrs-include=* -p -C ${ROOTFS} -xf ${ARCHIVE}`);
    // Not started: the host keys are made at the first boot, so there is no fingerprint yet.
    expect(result).toMatchObject({ running: false, sshHostKeyFingerprint: null, rootPasswordSet: false });
  });

  it("a jail whose sshd never listens is still reported running once the wait is over", async () => {
    const { host, driver, clock } = await existingContainer(false, { template: DEBIAN });
    const started = clock.now;
    host.sshd = false;
    expect(await driver.start(NAME)).toMatchObject({ running: true });
    expect(clock.now - started).toBeGreaterThanOrEqual(90_000);
  });

  it("refuses to build on a driver config whose template is a script, by building nothing", async () => {
    const { host, driver } = setup();
    expect(await driver.buildTemplate(spec().template)).toEqual({ bytes: 0, cached: true });
    expect(host.calls).toEqual([]);
  });
});
