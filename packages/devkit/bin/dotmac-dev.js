#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so there is no build step before `npm start`.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
