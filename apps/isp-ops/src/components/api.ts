"use client";

import { hc } from "hono/client";
import type { IspOpsRoutes } from "../server/api.ts";

/** This app's API from the browser (same origin), typed by its routes. */
export const ispOps = hc<IspOpsRoutes>("/api/v1");
