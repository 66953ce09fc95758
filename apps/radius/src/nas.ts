import { BlockList, isIP } from "node:net";
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

/** Whether an address lies in `network` (a cidr as Postgres prints it), IPv4 or IPv6, by node:net's BlockList. */
export function networkMatcher(network: string): (ip: string) => boolean {
  const [base = "", bits] = network.split("/");
  const family = isIP(base) === 6 ? "ipv6" : "ipv4";
  const list = new BlockList();
  list.addSubnet(base, Number(bits ?? (family === "ipv6" ? 128 : 32)), family);
  // An address of the other family never matches (not even an IPv4-mapped IPv6 one).
  return (ip) => isIP(ip) === (family === "ipv6" ? 6 : 4) && list.check(ip, family);
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
        contains: networkMatcher(row.network),
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
