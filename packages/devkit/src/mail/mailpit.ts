import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { freePorts } from "../ports.ts";
import { startService, waitFor } from "../process.ts";
import { type Log, stderrLog } from "../progress.ts";
import { ensureGoBuild } from "../toolchain/build.ts";
import { goBuilds } from "../toolchain/tools.ts";

/** A message as Mailpit's API lists it, with its text body. */
export interface CaughtMail {
  readonly id: string;
  readonly messageId: string;
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Mailpit {
  /** What a tenant's SMTP_URL is to send here. */
  readonly smtpUrl: string;
  /** Its web UI and API. */
  readonly httpUrl: string;
  /** Every message caught so far, oldest first. */
  messages(): Promise<CaughtMail[]>;
  stop(): Promise<void>;
}

/**
 * Mailpit (built from the Go module proxy) on free ports of 127.0.0.1, storing in a scratch
 * folder: a real SMTP server that keeps what it is sent, read back through its HTTP API.
 */
export async function startMailpit(
  env: DevkitEnv,
  opts: {
    log?: Log /** Keeps the mail there across runs (a scratch folder, removed at stop, when absent). */;
    dir?: string;
  } = {},
): Promise<Mailpit> {
  const build = goBuilds.find((b) => b.name === "mailpit");
  if (!build) throw new Error("no mailpit build");
  const { binDir } = await ensureGoBuild(env, build, opts.log ?? stderrLog);
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "dotmac-mailpit-")));
  await mkdir(dir, { recursive: true });
  const [smtpPort, httpPort] = (await freePorts(2)) as [number, number];
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const service = startService(
    "mailpit",
    join(binDir, "mailpit"),
    [
      "--smtp",
      `127.0.0.1:${smtpPort}`,
      "--listen",
      `127.0.0.1:${httpPort}`,
      "--database",
      join(dir, "mail.db"),
    ],
    { logFile: join(dir, "mailpit.log") },
  );
  await waitFor(
    `Mailpit on ${httpUrl}`,
    async () =>
      (await fetch(`${httpUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
        ? true
        : undefined,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${httpUrl}/api/v1${path}`);
    if (!res.ok) throw new Error(`Mailpit answered ${res.status} for ${path}`);
    return (await res.json()) as T;
  };
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    httpUrl,
    messages: async () => {
      const list = await api<{ messages: { ID: string }[] }>("/messages?limit=1000");
      const full = await Promise.all(
        list.messages.map((m) =>
          api<{
            ID: string;
            MessageID: string;
            From: { Address: string };
            To: { Address: string }[];
            Subject: string;
            Text: string;
            HTML: string;
          }>(`/message/${m.ID}`),
        ),
      );
      // The API lists the newest first.
      return full.reverse().map((m) => ({
        id: m.ID,
        messageId: m.MessageID,
        from: m.From.Address,
        to: m.To.map((t) => t.Address),
        subject: m.Subject,
        text: m.Text,
        html: m.HTML,
      }));
    },
    stop: async () => {
      await service.stop();
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
