// The yardstick for bench/auth-throughput.ts: a bare Elysia app answering the same /health JSON as
// ours, with nothing else (no hooks, no headers, no log). Started as its own process, like our server.
import { Elysia } from "elysia";

const app = new Elysia().get("/health", () => ({ status: "ok", version: "0.0.0" })).listen({ port: 0, hostname: "127.0.0.1" });
console.log(`listening http://127.0.0.1:${app.server!.port}`);
