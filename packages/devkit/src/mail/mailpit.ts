import { join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { freePorts } from "../ports.ts";
import type { Log } from "../progress.ts";
import { answers, startBuiltService } from "../toolchain/built-service.ts";

/** A message as Mailpit's API lists it, with its text body. */
export interface CaughtMail {
  readonly id: string;
  readonly messageId: string;
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: { fileName: string; contentType: string; size: number }[];
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
    log?: Log;
    /** Keeps the mail there across runs (a scratch folder, removed at stop, when absent). */
    dir?: string;
  } = {},
): Promise<Mailpit> {
  const [smtpPort, httpPort] = (await freePorts(2)) as [number, number];
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const service = await startBuiltService(env, "mailpit", {
    args: (dir) => [
      "--smtp",
      `127.0.0.1:${smtpPort}`,
      "--listen",
      `127.0.0.1:${httpPort}`,
      "--database",
      join(dir, "mail.db"),
    ],
    ready: () => answers(`${httpUrl}/readyz`),
    ...(opts.dir ? { keep: opts.dir } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
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
            Attachments: { FileName: string; ContentType: string; Size: number }[];
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
        attachments: (m.Attachments ?? []).map((a) => ({
          fileName: a.FileName,
          contentType: a.ContentType,
          size: a.Size,
        })),
      }));
    },
    stop: () => service.stop(),
  };
}
