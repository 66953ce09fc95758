import { describe, expect, it } from "vitest";
import { crashSafeBackendUrl, fileBackendUrl, PulumiBackendUrl } from "./pulumi-backend.ts";

describe("Pulumi backend URLs", () => {
  it("keeps the file backend from writing metadata sidecars in place", () => {
    expect(fileBackendUrl("/srv/state")).toBe("file:///srv/state?metadata=skip");
    expect(crashSafeBackendUrl("file:///srv/state?no_tmp_dir=true")).toBe(
      "file:///srv/state?no_tmp_dir=true&metadata=skip",
    );
    expect(crashSafeBackendUrl("file:///srv/state?metadata=sidecar")).toBe("file:///srv/state?metadata=skip");
    expect(crashSafeBackendUrl(fileBackendUrl("/srv/state"))).toBe(fileBackendUrl("/srv/state"));
  });

  it("leaves cloud backends as they are", () => {
    expect(PulumiBackendUrl.parse("s3://dotmac-state?region=eu-west-1")).toBe(
      "s3://dotmac-state?region=eu-west-1",
    );
    expect(PulumiBackendUrl.parse("gs://dotmac-state")).toBe("gs://dotmac-state");
  });

  it("refuses what is not a URL", () => {
    expect(PulumiBackendUrl.safeParse("/srv/state").success).toBe(false);
    expect(PulumiBackendUrl.safeParse("").success).toBe(false);
  });
});
