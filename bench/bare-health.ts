// The yardstick for bench/auth-throughput.ts: a bare Elysia app answering the same /health JSON as
// ours, with nothing else (no hooks, no headers, no log). Started as its own process, like our
// server, on the PORT it is given.
import { Elysia } from "elysia";

new Elysia().get("/health", () => ({ status: "ok", version: "0.0.0" })).listen({ port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" });
