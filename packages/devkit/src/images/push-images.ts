import type { DevkitEnv } from "../env.ts";
import { formatDuration, type Log, stderrLog } from "../progress.ts";
import { type AppName, appNames, appVersion, IMAGE_REPOSITORY } from "./app-images.ts";
import { containerCommand, containerStore, inspectImage } from "./containers.ts";

export interface PushOptions {
  readonly registry: string;
  /** Plain HTTP or a self-signed certificate (a local registry). */
  readonly insecure?: boolean;
  readonly apps?: readonly AppName[];
  readonly log?: Log;
}

/** Publishes built images with skopeo: <registry>/dotmac/<app>:<version>. */
export async function pushImages(env: DevkitEnv, opts: PushOptions): Promise<string[]> {
  const log = opts.log ?? stderrLog;
  const store = await containerStore(env, log);
  const pushed: string[] = [];
  for (const app of opts.apps ?? appNames) {
    const version = await appVersion(app);
    const local = `${IMAGE_REPOSITORY}/${app}:${version}`;
    if (!(await inspectImage(store, local))) {
      throw new Error(`${local} is not built yet: run dotmac-dev images build ${app}`);
    }
    const target = `${opts.registry}/dotmac/${app}:${version}`;
    const started = performance.now();
    await containerCommand(store, "skopeo", [
      "copy",
      ...(opts.insecure ? ["--dest-tls-verify=false"] : []),
      `containers-storage:${local}`,
      `docker://${target}`,
    ]);
    log(`✔ pushed ${target} (${formatDuration(performance.now() - started)})`);
    pushed.push(target);
  }
  return pushed;
}
