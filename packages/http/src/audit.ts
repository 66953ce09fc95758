/** What an audited action records: what was done, to what, and the state before and after. */
export interface AuditRecord {
  readonly action: string;
  readonly targetType: string;
  readonly targetId?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Who acted, as an audit table stores it. */
export interface AuditActor<T extends string = string> {
  readonly actorType: T;
  readonly actorId: string;
}

/** The row for a record: absent fields are stored as null, never left to a column default. */
export const auditRow = <T extends string>(actor: AuditActor<T>, record: AuditRecord) => ({
  actorType: actor.actorType,
  actorId: actor.actorId,
  action: record.action,
  targetType: record.targetType,
  targetId: record.targetId ?? null,
  before: record.before ?? null,
  after: record.after ?? null,
});

/**
 * An API's `audit(tx, actor, record)`: appends one entry in the caller's transaction, so an
 * action that is rolled back leaves no record and one that commits cannot lose its record.
 * `who` says how the API's actors are stored; `extra` is what its table adds (a request id).
 */
export function auditor<
  Tx,
  Actor,
  Extra extends object = Record<never, never>,
  T extends string = string,
>(opts: {
  insert: (tx: Tx, row: ReturnType<typeof auditRow<T>> & Extra) => Promise<unknown>;
  who: (actor: Actor) => AuditActor<T>;
}) {
  return async (tx: Tx, actor: Actor, record: AuditRecord, extra?: Extra): Promise<void> => {
    await opts.insert(tx, { ...auditRow(opts.who(actor), record), ...(extra as Extra) });
  };
}
