import { z } from "zod";

/**
 * A Pulumi state backend URL as every run of ours uses it. On the file backend, the blob library
 * writes each object by rename (atomic) but its metadata sidecar (`<object>.attrs`) in place: a
 * process killed between truncating and writing that sidecar leaves it empty, and from then on
 * every command on the stack fails with "failed to load checkpoint: EOF". Pulumi never reads that
 * metadata, so `metadata=skip` writes none and leaves only atomic writes.
 */
export function crashSafeBackendUrl(url: string): string {
  if (!url.startsWith("file://")) return url;
  const [base, query = ""] = url.split("?", 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set("metadata", "skip");
  return `${base}?${params.toString()}`;
}

/** The file backend kept in a local folder. */
export function fileBackendUrl(dir: string): string {
  return crashSafeBackendUrl(`file://${dir}`);
}

export const PulumiBackendUrl = z
  .string()
  .min(1)
  .refine((s) => /^[a-z][a-z0-9+.-]*:\/\//.test(s), {
    message: "expected a URL such as s3://bucket or file:///path",
  })
  .transform(crashSafeBackendUrl);
