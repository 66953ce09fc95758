#!/usr/bin/env node
// Runs the TypeScript sources directly (the repository ships no build step for services).
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
