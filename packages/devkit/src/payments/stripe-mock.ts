import type { DevkitEnv } from "../env.ts";
import { freePort } from "../ports.ts";
import type { Log } from "../progress.ts";
import { answers, startBuiltService } from "../toolchain/built-service.ts";

export interface StripeMock {
  /** Where a tenant's STRIPE_API_URL points to talk to it (plain HTTP). */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * stripe-mock (built from the Go module proxy) on a free port of 127.0.0.1: Stripe's API as its
 * OpenAPI spec describes it, answering every call with its fixtures. Any secret key is accepted.
 */
export async function startStripeMock(env: DevkitEnv, log?: Log): Promise<StripeMock> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = await startBuiltService(env, "stripe-mock", {
    // Its HTTPS listener starts too, on 12112 unless told otherwise: a port of the system's
    // choosing, so that two of them (npm start's and a test's) can run at once.
    args: () => ["-http-addr", `127.0.0.1:${port}`, "-https-addr", "127.0.0.1:0"],
    ready: () => answers(`${url}/v1/customers`, { authorization: "Bearer sk_test_123" }),
    ...(log ? { log } : {}),
  });
  return { url, stop: () => service.stop() };
}
