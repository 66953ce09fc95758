import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "@dotmac/devkit";

/** Debian's FreeRADIUS 3.2 (freeradius + freeradius-postgresql), stock queries and modules. */
const STOCK_QUERIES = "/etc/freeradius/3.0/mods-config/sql/main/postgresql/queries.conf";

export interface RunningFreeRadius {
  readonly authPort: number;
  readonly acctPort: number;
  /** Everything the server printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/** libpq's key/value form, carrying the tenant's secrets key as a setting of every connection. */
export function conninfo(databaseUrl: string, secretsKey: string): string {
  const u = new URL(databaseUrl);
  const quote = (v: string) => `'${v.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  return [
    `host=${quote(u.hostname)}`,
    `port=${quote(u.port || "5432")}`,
    `dbname=${quote(decodeURIComponent(u.pathname.slice(1)))}`,
    `user=${quote(decodeURIComponent(u.username))}`,
    `password=${quote(decodeURIComponent(u.password))}`,
    `options=${quote(`-c dotmac.secrets_key=${secretsKey}`)}`,
  ].join(" ");
}

/**
 * A stock FreeRADIUS pointed at a tenant database through the compatibility views: clients from
 * `nas`, users from radcheck/radreply/radusergroup/radgroupreply, accounting into radacct. The
 * modules and queries are Debian's; only the listeners, the connection and the site are ours.
 */
export async function startFreeRadius(opts: {
  databaseUrl: string;
  secretsKey: string;
  /** Database connections FreeRADIUS keeps (its pool); threads follow its defaults. */
  connections?: number;
}): Promise<RunningFreeRadius> {
  const dir = await mkdtemp(join(tmpdir(), "dotmac-freeradius-"));
  const [authPort, acctPort] = (await freePorts(2)) as [number, number];
  const connections = opts.connections ?? 8;
  await writeFile(join(dir, "dictionary"), "");
  await writeFile(
    join(dir, "radiusd.conf"),
    `prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = ${dir}
raddbdir = ${dir}
radacctdir = ${dir}
name = freeradius
confdir = ${dir}
modconfdir = /etc/freeradius/3.0/mods-config
run_dir = ${dir}
db_dir = ${dir}
libdir = /usr/lib/freeradius
pidfile = ${dir}/freeradius.pid
correct_escapes = true
max_request_time = 30
cleanup_delay = 5
max_requests = 65536
hostname_lookups = no
log {
  destination = stdout
  colourise = no
  auth = no
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = no
}
thread pool {
  start_servers = 5
  max_servers = 32
  min_spare_servers = 3
  max_spare_servers = 10
  max_requests_per_server = 0
  auto_limit_acct = no
}
modules {
  pap {
    normalise = yes
  }
  chap {
  }
  mschap {
  }
  # %{tolower:...} and %{md5:...}, which the stock queries and acct_unique use.
  expr {
  }
  sql {
    dialect = "postgresql"
    driver = "rlm_sql_postgresql"
    radius_db = "${conninfo(opts.databaseUrl, opts.secretsKey)}"
    acct_table1 = "radacct"
    acct_table2 = "radacct"
    postauth_table = "radpostauth"
    authcheck_table = "radcheck"
    groupcheck_table = "radgroupcheck"
    authreply_table = "radreply"
    groupreply_table = "radgroupreply"
    usergroup_table = "radusergroup"
    read_groups = yes
    read_profiles = no
    delete_stale_sessions = yes
    read_clients = yes
    client_table = "nas"
    group_attribute = "SQL-Group"
    pool {
      start = ${connections}
      min = ${connections}
      max = ${connections}
      spare = 0
      uses = 0
      retry_delay = 1
      lifetime = 0
      idle_timeout = 0
    }
    $INCLUDE ${STOCK_QUERIES}
  }
}
server default {
  listen {
    type = auth
    ipaddr = 127.0.0.1
    port = ${authPort}
  }
  listen {
    type = acct
    ipaddr = 127.0.0.1
    port = ${acctPort}
  }
  authorize {
    chap
    mschap
    sql
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
    Auth-Type CHAP {
      chap
    }
    Auth-Type MS-CHAP {
      mschap
    }
  }
  preacct {
    # What Debian's policy.d/accounting "acct_unique" computes.
    update request {
      &Acct-Unique-Session-Id := "%{md5:%{User-Name},%{Acct-Session-ID},%{%{NAS-IPv6-Address}:-%{NAS-IP-Address}},%{NAS-Identifier},%{NAS-Port-ID},%{NAS-Port}}"
    }
  }
  accounting {
    sql
  }
}
`,
  );
  const child: ChildProcess = spawn("freeradius", ["-f", "-d", dir, "-l", "stdout"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const collect = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!out.includes("Ready to process requests")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`FreeRADIUS did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { authPort, acctPort, output: () => out, stop };
}
