import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dropMetadataSidecars } from "./pulumi-state.ts";

describe("dropMetadataSidecars", () => {
  let dir: string | undefined;
  afterEach(async () => dir && rm(dir, { recursive: true, force: true }));

  it("removes every sidecar (an empty one included) and keeps the checkpoints", async () => {
    dir = await mkdtemp(join(tmpdir(), "dotmac-state-"));
    const stacks = join(dir, ".pulumi", "stacks", "dotmac");
    await mkdir(stacks, { recursive: true });
    await writeFile(join(stacks, "tenant-a.json"), "{}");
    await writeFile(join(stacks, "tenant-a.json.attrs"), "");
    await writeFile(join(stacks, "tenant-b.json"), "{}");
    await writeFile(join(stacks, "tenant-b.json.attrs"), '{"user.content_type":"application/json"}');
    expect(await dropMetadataSidecars(dir)).toHaveLength(2);
    expect((await readdir(stacks)).sort()).toEqual(["tenant-a.json", "tenant-b.json"]);
  });

  it("is a no-op for a folder that does not exist yet", async () => {
    expect(await dropMetadataSidecars("/nonexistent/dotmac-state")).toEqual([]);
  });
});
