// A brand-new lxc jail's root: its disk image, the template unpacked into it (or an LXC
// template script run), its first files seeded, its state record and the "created" marker.
import type { JailSpec } from "@/lib/schemas/jobs";
import { faultPause } from "../../faults";
import type { JobContext } from "../driver";
import { realOsBaseConfig } from "./config-file";
import { makeImage } from "./disk-image";
import { lxcJailPaths } from "./paths";
import { seedRootfs, type LxcHost } from "./provision";
import { writeJailState, type JailState } from "./state";
import { ensureTemplateArchive, mmdebstrapRecipe, unpackTemplate } from "./templates";

/**
 * Builds jail `spec.name` from nothing (the caller has discarded any remains). A real-OS
 * template comes from this host's template cache (built first when missing, templates.ts) and
 * gets a base config; an LXC template script (`lxc-create -t`, lxc-create(1); only busybox
 * works offline) installs into the mounted image, starting with no network. The marker is
 * written last: a container without it is the remains of an attempt killed half-way.
 * @throws CommandError from the tools (mkfs.xfs, tar, lxc-create); UnsupportedError for a quota
 *   below what xfs supports.
 */
export async function makeJailRoot(
  host: LxcHost,
  {
    spec,
    keys,
    passwordHash,
    state,
    templateCache,
    nowMs,
    job,
  }: {
    spec: JailSpec;
    keys: string[];
    passwordHash: string | null;
    state: JailState;
    templateCache: string;
    nowMs: number;
    job: JobContext;
  },
): Promise<void> {
  const paths = lxcJailPaths(host.lxcPath, spec.name);
  const recipe = mmdebstrapRecipe(spec.template);
  // A host whose cache lost the template (or that never got the build job) builds it now.
  const archive = recipe ? (await ensureTemplateArchive(host, { cacheDir: templateCache, template: spec.template, job })).archive : null;
  await host.fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
  job.progress({ percent: 40, message: `Making the jail's ${spec.limits.diskQuotaMb} MB disk` });
  await makeImage(host, { image: paths.image, dir: paths.rootfs, quotaMb: spec.limits.diskQuotaMb });
  if (archive) {
    await unpackTemplate(host, { archive, rootfs: paths.rootfs, job });
    await host.fs.writeFile(
      paths.config,
      realOsBaseConfig({ rootfs: paths.rootfs, template: `${spec.template.slug} v${spec.template.version}` }),
    );
  } else {
    // lxc-create keeps an existing rootfs directory; the managed block sets the real network.
    await host.fs.writeFile(paths.bootstrapConfig, "lxc.net.0.type = empty\n", { mode: 0o600 });
    try {
      await host.run(["lxc-create", "-n", spec.name, "-t", "busybox", "-f", paths.bootstrapConfig], { timeoutMs: 180_000 });
    } finally {
      await host.fs.rm(paths.bootstrapConfig, { force: true });
    }
  }
  job.progress({ percent: 75, message: "Writing the jail's hostname, keys and root password" });
  // The rootfs is brand new and nothing inside has run yet, so writing into it from the
  // host cannot be redirected by a tenant's symlink.
  await seedRootfs(host, spec, { keys, realOs: Boolean(recipe), passwordHash, now: nowMs });
  await writeJailState(host.fs, host.lxcPath, spec.name, state);
  await host.fs.writeFile(paths.createdMarker, new Date(nowMs).toISOString() + "\n");
  await faultPause("after-create");
}
