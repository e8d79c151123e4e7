// Public addresses that work: the host is the network border (the seed's "NAT for our external
// IP blocks, mapped to jails on a private netblock"). One nftables table owned by Cellblock,
// `ip cellblock`, the Linux counterpart of the freebsd driver's pf anchors:
//
//   dnat4  map  public → private   used in prerouting (traffic that arrives) and output (traffic
//                                  this host sends itself: locally generated packets never pass
//                                  prerouting)
//   snat4  map  private → public   a jail's own connections leave with its public address
//   bridges set                    the jails' bridges, for the rules below
//
// and in postrouting two masquerades for DNAT'd connections onto a bridge: from a loopback
// source (this host connecting to a loopback public address, see below) and from another jail
// (hairpin: a jail reaching a neighbour by its public address), so that replies come back
// through the host and are translated back.
//
// A loopback public pool (the default install and the tests: 127.77.x.y, reachable only from
// this machine) needs `route_localnet` on the bridge, so that a packet with a 127/8 source may
// leave on it. Because that would also let a jail send packets *to* this host's 127.0.0.1 (its
// database, its panel), the `guard` chain drops any packet that arrives from a jails' bridge for
// 127.0.0.0/8, before routing; route_localnet is only switched on once the guard is loaded.
//
// The base chains are rebuilt as a whole (flush + add, in one transaction), so their rules are
// exactly these however often it runs; jails are elements of the maps, added and removed per
// jail in one transaction each. Several agents on one machine (a test run beside `npm start`)
// share the table: each only touches the elements of its own jails.
import type { LxcHost } from "./provision";

export const NAT_TABLE = "cellblock";

export type JailNat = { publicIp: string; privateIp: string };

/** The table, its maps, and its chains with exactly their rules; `bridge` in the bridges set. */
export function natBaseScript(bridge: string): string {
  const t = `ip ${NAT_TABLE}`;
  return [
    `add table ${t}`,
    `add map ${t} dnat4 { type ipv4_addr : ipv4_addr; }`,
    `add map ${t} snat4 { type ipv4_addr : ipv4_addr; }`,
    `add set ${t} bridges { type ifname; }`,
    `add element ${t} bridges { "${bridge}" }`,
    `add chain ${t} guard { type filter hook prerouting priority raw; policy accept; }`,
    `add chain ${t} prerouting { type nat hook prerouting priority dstnat; policy accept; }`,
    `add chain ${t} output { type nat hook output priority -100; policy accept; }`,
    `add chain ${t} postrouting { type nat hook postrouting priority srcnat; policy accept; }`,
    ...["guard", "prerouting", "output", "postrouting"].map((c) => `flush chain ${t} ${c}`),
    `add rule ${t} guard iifname @bridges ip daddr 127.0.0.0/8 drop`,
    `add rule ${t} prerouting dnat to ip daddr map @dnat4`,
    `add rule ${t} output dnat to ip daddr map @dnat4`,
    `add rule ${t} postrouting oifname @bridges ct status dnat ip saddr 127.0.0.0/8 masquerade`,
    `add rule ${t} postrouting oifname @bridges iifname @bridges ct status dnat masquerade`,
    `add rule ${t} postrouting oifname != @bridges snat to ip saddr map @snat4`,
    "",
  ].join("\n");
}

/**
 * Loads the base table for `bridge` (nft(8) -f reads the script from stdin, applied as one
 * transaction), then allows loopback sources on the bridge (ip-sysctl: route_localnet).
 */
export async function ensureNatBase(host: LxcHost, bridge: string): Promise<void> {
  await host.run(["nft", "-f", "-"], { input: natBaseScript(bridge), timeoutMs: 30_000 });
  await host.run(["sysctl", "-q", "-w", `net.ipv4.conf.${bridge}.route_localnet=1`], { timeoutMs: 10_000 });
}

type NftMap = { map: { name: string; elem?: Array<[string, string]> } };

/**
 * The elements of the table's maps, from `nft -j list table ip cellblock` (libnftables-json(5):
 * a `nftables` array of objects; a map's `elem` is a list of [key, value] pairs). Empty when the
 * table does not exist (exit 1).
 */
export function parseNatMaps(json: string): { dnat4: Map<string, string>; snat4: Map<string, string> } {
  const out = { dnat4: new Map<string, string>(), snat4: new Map<string, string>() };
  if (!json.trim()) return out;
  const items = (JSON.parse(json) as { nftables?: unknown[] }).nftables ?? [];
  for (const item of items) {
    const map = (item as Partial<NftMap>).map;
    if (!map || (map.name !== "dnat4" && map.name !== "snat4")) continue;
    for (const pair of map.elem ?? []) if (Array.isArray(pair)) out[map.name].set(String(pair[0]), String(pair[1]));
  }
  return out;
}

async function readMaps(host: LxcHost) {
  const r = await host.run(["nft", "-j", "list", "table", "ip", NAT_TABLE], { timeoutMs: 30_000, okCodes: [1] });
  return parseNatMaps(r.code === 0 ? r.stdout : "");
}

/**
 * Makes the jail's two elements exactly `public → private` and `private → public`, in one
 * transaction that first deletes whatever those keys held (nft refuses to `add` a key that
 * exists with another value). Nothing is written when they are already right (a recovery after
 * an agent restart changes nothing that works).
 */
export async function applyJailNat(host: LxcHost, nat: JailNat): Promise<void> {
  const maps = await readMaps(host);
  if (maps.dnat4.get(nat.publicIp) === nat.privateIp && maps.snat4.get(nat.privateIp) === nat.publicIp) return;
  const t = `ip ${NAT_TABLE}`;
  const lines = [
    ...(maps.dnat4.has(nat.publicIp) ? [`delete element ${t} dnat4 { ${nat.publicIp} }`] : []),
    ...(maps.snat4.has(nat.privateIp) ? [`delete element ${t} snat4 { ${nat.privateIp} }`] : []),
    `add element ${t} dnat4 { ${nat.publicIp} : ${nat.privateIp} }`,
    `add element ${t} snat4 { ${nat.privateIp} : ${nat.publicIp} }`,
  ];
  await host.run(["nft", "-f", "-"], { input: lines.join("\n") + "\n", timeoutMs: 30_000 });
}

/** Removes the jail's elements (only those that still map to it); nothing to do when they are gone. */
export async function removeJailNat(host: LxcHost, nat: JailNat): Promise<void> {
  const maps = await readMaps(host);
  const t = `ip ${NAT_TABLE}`;
  const lines = [
    ...(maps.dnat4.get(nat.publicIp) === nat.privateIp ? [`delete element ${t} dnat4 { ${nat.publicIp} }`] : []),
    ...(maps.snat4.get(nat.privateIp) === nat.publicIp ? [`delete element ${t} snat4 { ${nat.privateIp} }`] : []),
  ];
  if (lines.length) await host.run(["nft", "-f", "-"], { input: lines.join("\n") + "\n", timeoutMs: 30_000 });
}
