import { isIP } from "node:net";
import type { SecretBox } from "@dotmac/crypto/secret-box";
import { NAS_CLIENTS_CHANNEL, nasClients, sealedFor, type TenantDb } from "@dotmac/tenant-db";

export interface Nas {
  readonly id: string;
  readonly name: string;
  readonly secret: string;
  readonly coaPort: number;
  readonly requireMessageAuthenticator: boolean;
  readonly contains: (ip: string) => boolean;
  readonly prefix: number;
}

function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((n, octet) => (n << 8) + Number(octet), 0) >>> 0;
}

/** Whether `ip` lies in `network` (a cidr as Postgres prints it). IPv4 and IPv6. */
export function cidrContains(network: string, ip: string): boolean {
  const [base = "", bitsText] = network.split("/");
  const version = isIP(base);
  if (version !== isIP(ip) || version === 0) return false;
  if (version === 4) {
    const bits = Number(bitsText ?? 32);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (ipv4ToInt(base) & mask) === (ipv4ToInt(ip) & mask);
  }
  const expand = (a: string) => {
    const [head = "", tail = ""] = a.split("::");
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const fill = a.includes("::") ? Array(8 - h.length - t.length).fill("0") : [];
    return [...h, ...fill, ...t].map((g) => Number.parseInt(g || "0", 16));
  };
  const [a, b] = [expand(base), expand(ip)];
  let bits = Number(bitsText ?? 128);
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((a[i] ?? 0) & mask) !== ((b[i] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * The NAS clients allowed to talk to this server, with their secrets opened once. Reloaded when
 * the table changes (`watch`) and periodically; a packet from anywhere else is dropped.
 */
export class NasRegistry {
  private clients: Nas[] = [];
  private lastLoadFailed = false;
  private unopened: readonly string[] = [];
  private loading: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    private readonly db: TenantDb,
    private readonly box: SecretBox,
    /** Told the names at every load that leaves some out. */
    private readonly onUnreadable: (names: readonly string[]) => void = () => {},
  ) {}

  /**
   * Reads the table again. Calls during a reload share one more reload after it, which starts
   * after the change that prompted them, so a burst of changes costs at most two reads.
   */
  reload(): Promise<void> {
    if (this.loading) {
      this.queued ??= this.loading
        .catch(() => {})
        .then(() => {
          this.queued = undefined;
          return this.reload();
        });
      return this.queued;
    }
    this.loading = this.load()
      .then(
        () => {
          this.lastLoadFailed = false;
        },
        (error: unknown) => {
          this.lastLoadFailed = true;
          throw error;
        },
      )
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** Whether the latest read of the table succeeded (a server working from a stale list is not ready). */
  get current(): boolean {
    return !this.lastLoadFailed;
  }

  /**
   * Loads the table, then reloads on every change to it from any writer (isp-ops, an import,
   * psql), through Postgres LISTEN on its own connection; also when that connection is
   * re-established, since notifications sent while it was down are lost. Listening starts before
   * the first load, so no change falls between them. Returns a function that stops listening.
   */
  async watch(onError: (error: unknown) => void): Promise<() => Promise<void>> {
    const again = () => void this.reload().catch(onError);
    let listening = false;
    const { unlisten } = await this.db.$client.listen(NAS_CLIENTS_CHANNEL, again, () => {
      if (listening) again();
      listening = true;
    });
    await this.reload();
    return unlisten;
  }

  /** NAS clients whose secret no key of the ring opens (sealed under a key this server lacks, altered). */
  get unreadable(): readonly string[] {
    return this.unopened;
  }

  /**
   * A row whose secret cannot be opened is left out (that NAS's packets are dropped as from an
   * unknown source) and named in `unreadable`: one bad row must not take every other NAS down.
   */
  private async load(): Promise<void> {
    const rows = await this.db.select().from(nasClients);
    const unopened: string[] = [];
    this.clients = rows
      .flatMap((row) => {
        try {
          return [{ row, secret: this.box.open(row.secretEncrypted, sealedFor.nasSecret(row.id)) }];
        } catch {
          unopened.push(row.name);
          return [];
        }
      })
      .map(({ row, secret }) => ({
        id: row.id,
        name: row.name,
        secret,
        coaPort: row.coaPort,
        requireMessageAuthenticator: row.requireMessageAuthenticator,
        contains: (ip: string) => cidrContains(row.network, ip),
        prefix: Number(row.network.split("/")[1] ?? 32),
      }))
      // The most specific network wins when they overlap.
      .sort((x, y) => y.prefix - x.prefix);
    this.unopened = unopened;
    if (unopened.length > 0) this.onUnreadable(unopened);
  }

  byId(id: string): Nas | undefined {
    return this.clients.find((c) => c.id === id);
  }

  find(ip: string): Nas | undefined {
    const plain = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
    return this.clients.find((c) => c.contains(plain));
  }
}
