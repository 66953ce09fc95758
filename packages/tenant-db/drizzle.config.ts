import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: [
    "./src/schema.ts",
    "./src/billing-schema.ts",
    "./src/helpdesk-schema.ts",
    "./src/portal-schema.ts",
  ],
  out: "./migrations",
  casing: "snake_case",
});
