import { spawn } from "node:child_process";

/**
 * Runs Debian's radclient (freeradius-utils) with attribute lines on stdin; resolves its output.
 * From inside a network namespace (a NAS host of the test's) when `netns` names one.
 */
export function radclient(
  port: number,
  type: "auth" | "acct",
  secret: string,
  attributes: string,
  host = "127.0.0.1",
  netns?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ["-x", "-r", "1", "-t", "1", `${host}:${port}`, type, secret];
    const child = netns
      ? spawn("ip", ["netns", "exec", netns, "radclient", ...args])
      : spawn("radclient", args);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", () => resolve(out));
    child.stdin.end(`${attributes}\n`);
  });
}
