// A jail's network on an lxc host: the record start() and recover() rebuild it from (state.ts),
// and the bridge, gateway and NAT elements made idempotently from that record.
import type { JailSpec } from "@/lib/schemas/jobs";
import { lxcJailPaths } from "./paths";
import { applyJailNat, ensureNatBase, removeJailNat } from "./nat";
import { ensureBridge, type LxcHost } from "./provision";
import type { JailState } from "./state";

export class JailNetwork {
  private nft: Promise<boolean> | null = null;

  /** `bridge`: the jails' bridge on this host; null → jails get no network. */
  constructor(
    private readonly host: LxcHost,
    private readonly bridge: string | null,
  ) {}

  /** Whether nftables is installed (public addresses need it); asked once. */
  hasNft(): Promise<boolean> {
    this.nft ??= this.host.run(["nft", "--version"], { timeoutMs: 10_000 }).then(
      () => true,
      () => false,
    );
    return this.nft;
  }

  /** The record start() and recover() need after a reboot (state.ts), from the job's spec. */
  stateOf(spec: JailSpec, realOs: boolean): JailState {
    const n = spec.network;
    return {
      image: { path: lxcJailPaths(this.host.lxcPath, spec.name).image, fsType: "xfs" },
      realOs,
      network: {
        bridge: this.bridge,
        privateIp: n.privateIp,
        privatePrefix: n.privatePrefix,
        privateGateway: n.privateGateway,
        publicIp: n.publicIp,
        ipv6: n.ipv6,
        ipv6PrefixLength: n.ipv6PrefixLength,
        ipv6Gateway: n.ipv6Gateway,
      },
    };
  }

  /**
   * The jail's bridge with the private gateway (and the IPv6 prefix's ::1) on it, and its NAT
   * elements, made idempotently: after a reboot, an agent restart, or on every start.
   */
  async apply(state: JailState): Promise<void> {
    const n = state.network;
    if (!this.bridge || n.bridge !== this.bridge) return; // no network on this host, or made for another bridge
    const ipv6 = n.ipv6 && n.ipv6Gateway && n.ipv6PrefixLength ? { gateway: n.ipv6Gateway, prefixLength: n.ipv6PrefixLength } : null;
    await ensureBridge(this.host, this.bridge, n.privateGateway, n.privatePrefix, ipv6);
    if (n.publicIp && (await this.hasNft())) {
      await ensureNatBase(this.host, this.bridge);
      await applyJailNat(this.host, { publicIp: n.publicIp, privateIp: n.privateIp });
    }
  }

  /** Removes the jail's NAT elements (a destroyed jail's public address must not lead anywhere). */
  async remove(state: JailState | null): Promise<void> {
    if (state?.network.publicIp && state.network.bridge && (await this.hasNft())) {
      await removeJailNat(this.host, { publicIp: state.network.publicIp, privateIp: state.network.privateIp });
    }
  }
}
