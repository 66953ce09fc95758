import * as pulumi from "@pulumi/pulumi";

/** Identifiers we create: lower-case, digits, underscores (so they need no quoting rules beyond "…"). */
export const pgIdentifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** `tenant_<slug with dashes as underscores>`: the database and role of one tenant. */
export const tenantDatabaseName = (slug: string) => `tenant_${slug.replaceAll("-", "_")}`;

export interface PostgresDatabaseArgs {
  /** Superuser (or CREATEROLE + CREATEDB) connection URL of the server; stored as a secret. */
  readonly adminUrl: pulumi.Input<string>;
  readonly database: pulumi.Input<string>;
  readonly role: pulumi.Input<string>;
}

interface Inputs {
  adminUrl: string;
  database: string;
  role: string;
}

interface Outputs extends Inputs {
  password: string;
}

/**
 * The provider runs in Pulumi's dynamic-provider host, from a serialized copy of these functions.
 * They capture nothing and import nothing (the serializer cannot follow either): they reach Node's
 * built-ins through process.getBuiltinModule and load the Postgres driver from the program's
 * node_modules with a require of their own.
 */
export const postgresDatabaseProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Inputs, news: Inputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const ident = /^[a-z_][a-z0-9_]{0,62}$/;
    if (!ident.test(news.database))
      failures.push({ property: "database", reason: `invalid database name ${news.database}` });
    if (!ident.test(news.role)) failures.push({ property: "role", reason: `invalid role name ${news.role}` });
    try {
      const u = new URL(news.adminUrl);
      if (!/^postgres(ql)?:$/.test(u.protocol))
        failures.push({ property: "adminUrl", reason: "not a postgres:// URL" });
    } catch {
      failures.push({ property: "adminUrl", reason: "not a URL" });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: Outputs, news: Inputs) {
    const replaces = (["database", "role"] as const).filter((k) => olds[k] !== news[k]);
    return {
      changes: replaces.length > 0 || olds.adminUrl !== news.adminUrl,
      replaces,
      deleteBeforeReplace: true,
    };
  },

  /**
   * Safe to run again after a crash between its statements (an operation retried on another
   * replica re-runs the create the engine never heard finish): a role this provider made is
   * adopted with a fresh password, a database it owns is kept. Anything else by those names is
   * refused, so a stack can never take over a role or database it did not make.
   */
  async create(inputs: Inputs) {
    const { createRequire } = process.getBuiltinModule("node:module") as typeof import("node:module");
    const postgres = createRequire(`${process.cwd()}/`)("postgres") as typeof import("postgres");
    const { randomBytes } = process.getBuiltinModule("node:crypto") as typeof import("node:crypto");
    const marker = "dotmac:PostgresDatabase";
    const password = randomBytes(24).toString("base64url");
    const sql = postgres(inputs.adminUrl, { max: 1, onnotice: () => {} });
    try {
      const [db] = await sql<{ owner: string }[]>`
        select pg_get_userbyid(datdba) as owner from pg_database where datname = ${inputs.database}`;
      if (db && db.owner !== inputs.role)
        throw new Error(
          `database ${inputs.database} already exists, owned by ${db.owner}; refusing to adopt it`,
        );
      // Role and its marker commit together; CREATE DATABASE cannot run inside a transaction.
      await sql.begin(async (tx) => {
        const [existing] = await tx<{ mark: string | null }[]>`
          select shobj_description(oid, 'pg_authid') as mark from pg_roles where rolname = ${inputs.role}`;
        if (existing && existing.mark !== marker)
          throw new Error(
            `role ${inputs.role} already exists and was not created for a tenant database; refusing to adopt it`,
          );
        await tx.unsafe(
          existing
            ? `alter role "${inputs.role}" login password '${password}'`
            : `create role "${inputs.role}" login password '${password}'`,
        );
        await tx.unsafe(`comment on role "${inputs.role}" is '${marker}'`);
      });
      if (!db) await sql.unsafe(`create database "${inputs.database}" owner "${inputs.role}"`);
      // Every role may connect to every database unless told otherwise: tenants must not reach each other.
      await sql.unsafe(`revoke all on database "${inputs.database}" from public`);
      await sql.unsafe(`grant connect, temporary on database "${inputs.database}" to "${inputs.role}"`);
    } finally {
      await sql.end();
    }
    return { id: inputs.database, outs: { ...inputs, password } satisfies Outputs };
  },

  async read(id: string, props: Outputs) {
    const { createRequire } = process.getBuiltinModule("node:module") as typeof import("node:module");
    const postgres = createRequire(`${process.cwd()}/`)("postgres") as typeof import("postgres");
    const sql = postgres(props.adminUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select 1 from pg_database where datname = ${props.database}`;
      // An empty id tells the engine the database is gone (drift).
      return rows.length > 0 ? { id, props } : { id: "", props: {} };
    } finally {
      await sql.end();
    }
  },

  async update(_id: string, olds: Outputs, news: Inputs) {
    return { outs: { ...news, password: olds.password } satisfies Outputs };
  },

  async delete(_id: string, props: Outputs) {
    const { createRequire } = process.getBuiltinModule("node:module") as typeof import("node:module");
    const postgres = createRequire(`${process.cwd()}/`)("postgres") as typeof import("postgres");
    const sql = postgres(props.adminUrl, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`drop database if exists "${props.database}" with (force)`);
      await sql.unsafe(`drop role if exists "${props.role}"`);
    } finally {
      await sql.end();
    }
  },
};

/** A database and its owning login role on an existing Postgres server; the password is generated and kept secret. */
export class PostgresDatabase extends pulumi.dynamic.Resource {
  declare readonly database: pulumi.Output<string>;
  declare readonly role: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      postgresDatabaseProvider,
      name,
      { ...args, adminUrl: pulumi.secret(args.adminUrl), password: undefined },
      { ...opts, additionalSecretOutputs: ["password", "adminUrl"] },
      "dotmac",
      "PostgresDatabase",
    );
  }
}

interface LimitInputs {
  adminUrl: string;
  role: string;
  connectionLimit: number;
}

/**
 * A role's CONNECTION LIMIT, apart from the role's resource: a plan change moves it in place
 * while the database, its password and the URL built from them stay known in a preview (so the
 * Secret holding that URL is not replaced). Same serialization rules as the provider above.
 */
export const roleConnectionLimitProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: LimitInputs, news: LimitInputs) {
    const ok = Number.isInteger(news.connectionLimit) && news.connectionLimit >= -1;
    return {
      inputs: news,
      failures: ok
        ? []
        : [
            {
              property: "connectionLimit",
              reason: `a whole number of connections, or -1 for none (got ${news.connectionLimit})`,
            },
          ],
    };
  },

  async diff(_id: string, olds: LimitInputs, news: LimitInputs) {
    return {
      changes: olds.connectionLimit !== news.connectionLimit || olds.adminUrl !== news.adminUrl,
      replaces: olds.role !== news.role ? ["role"] : [],
    };
  },

  async create(inputs: LimitInputs) {
    const { createRequire } = process.getBuiltinModule("node:module") as typeof import("node:module");
    const postgres = createRequire(`${process.cwd()}/`)("postgres") as typeof import("postgres");
    const sql = postgres(inputs.adminUrl, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`alter role "${inputs.role}" connection limit ${Math.trunc(inputs.connectionLimit)}`);
    } finally {
      await sql.end();
    }
    return { id: inputs.role, outs: inputs };
  },

  async update(_id: string, _olds: LimitInputs, news: LimitInputs) {
    // The serializer cannot follow a call to create: the same statement, restated.
    const { createRequire } = process.getBuiltinModule("node:module") as typeof import("node:module");
    const postgres = createRequire(`${process.cwd()}/`)("postgres") as typeof import("postgres");
    const sql = postgres(news.adminUrl, { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`alter role "${news.role}" connection limit ${Math.trunc(news.connectionLimit)}`);
    } finally {
      await sql.end();
    }
    return { outs: news };
  },
  // Nothing to undo: the role goes with its database.
};

/** The connection limit of a role this stack's PostgresDatabase made. */
export class RoleConnectionLimit extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: {
      readonly adminUrl: pulumi.Input<string>;
      readonly role: pulumi.Input<string>;
      readonly connectionLimit: pulumi.Input<number>;
    },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      roleConnectionLimitProvider,
      name,
      { ...args, adminUrl: pulumi.secret(args.adminUrl) },
      { ...opts, additionalSecretOutputs: ["adminUrl"] },
      "dotmac",
      "RoleConnectionLimit",
    );
  }
}
