// The Dockerfile, built and run for real. No image registry is reachable, so the base image is made
// from Debian's packages (test/container/base-image.sh: debootstrap + `docker import`, cached under
// /var/cache/agnes-test and kept as agnes-base:bun-1.4.4) and passed as the BUN_IMAGE build argument.
// The test builds the image (only linux-x64's `da`, no zstd, to stay fast), runs it on a volume with
// --network host on a free port, waits for the image's own HEALTHCHECK to say healthy, installs `da`
// from it with `curl … | sh`, signs in, makes a token, restarts the container, and checks that the
// session and the token survived — then again in a new container on the same volume with no admin
// seeding at all. Needs a Docker engine: `.ci/run` (scripts/bootstrap.sh --test-tools) installs
// docker.io and debootstrap and starts dockerd.
//
// Kept between runs: the rootfs, the base image, and this checkout's built image (its layers are the
// build cache). Removed: the containers and the volume.
// Measured on 2 cores: 71 s on a fresh machine (debootstrap 39 s, docker build 24 s, the rest 7 s);
// 36 s after a commit with the base image cached (AGNES_COMMIT changes, so build.ts reruns); 7 s unchanged.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { cleanupTempDirs } from "../helpers/dist";
import { freePort } from "../helpers/ports";
import { BASE_PATH, pipeInstaller, run, tempHome } from "../install/helpers";

const TIMEOUT = 900_000;
const ROOT = resolve(import.meta.dir, "../..");
const BASE_IMAGE = process.env.AGNES_BASE_IMAGE ?? "agnes-base:bun-1.4.4"; // base-image.sh reads the same variable
// One tag per checkout: worktrees building at once do not retag each other's image.
const IMAGE = `agnes-image-test:${new Bun.CryptoHasher("sha256").update(ROOT).digest("hex").slice(0, 12)}`;
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;
const VOLUME = `agnes-test-data-${RUN_ID}`;
const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const containers: string[] = [];

async function sh(cmd: string[], opts: { stdin?: string; timeout?: number } = {}) {
  const proc = Bun.spawn(cmd, {
    cwd: ROOT,
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: opts.timeout ?? 120_000,
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

async function mustSh(cmd: string[], opts: { timeout?: number } = {}): Promise<string> {
  const r = await sh(cmd, opts);
  if (r.code !== 0) throw new Error(`${cmd.join(" ")} exited ${r.code}\n${(r.stdout + r.stderr).slice(-4000)}`);
  return r.stdout.trim();
}

const port = freePort();
const url = `http://127.0.0.1:${port}`;

/** Starts a container of the image on the test's volume; --health-interval only shortens the image's own probe's period. */
async function startContainer(env: Record<string, string>): Promise<string> {
  const name = `agnes-test-${RUN_ID}-${containers.length}`;
  containers.push(name);
  const envArgs = Object.entries({ PORT: String(port), HOST: "127.0.0.1", ...env }).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  await mustSh(["docker", "run", "-d", "--name", name, "--network", "host", "-v", `${VOLUME}:/data`, "--health-interval", "1s", ...envArgs, IMAGE]);
  return name;
}

async function health(name: string): Promise<string> {
  return (await sh(["docker", "inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", name])).stdout.trim();
}

/** Waits for the HEALTHCHECK's verdict; a container that is unhealthy or gone fails with its log. */
async function waitHealthy(name: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  let status = "";
  while (Date.now() < deadline) {
    status = await health(name);
    if (status === "healthy") return;
    if (status === "unhealthy" || status === "") break;
    await Bun.sleep(500);
  }
  const logs = await sh(["docker", "logs", "--tail", "50", name]);
  throw new Error(`container ${name} is ${status || "gone"}, not healthy\n${logs.stdout}${logs.stderr}`);
}

const da = (home: string, args: string[], stdin?: string, env: Record<string, string> = {}) =>
  run([join(home, ".local/bin/da"), ...args], { HOME: home, PATH: BASE_PATH, NO_COLOR: "1", ...env }, stdin);
/** The installed da with a PAT in DA_TOKEN, from an empty HOME (no stored login to fall back on). */
const daWithToken = (home: string, token: string, args: string[]) =>
  run([join(home, ".local/bin/da"), ...args], { HOME: tempHome(), PATH: BASE_PATH, NO_COLOR: "1", DA_TOKEN: token, DA_SERVER: url });

const timings: Record<string, number> = {};
async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await f();
  } finally {
    timings[label] = Math.round((performance.now() - start) / 100) / 10;
  }
}

beforeAll(async () => {
  const info = await sh(["docker", "info", "--format", "{{.ServerVersion}}"]);
  if (info.code !== 0) throw new Error(`no Docker engine (run scripts/bootstrap.sh --test-tools as root): ${info.stderr.trim()}`);
  await timed("base image", () => mustSh(["sh", "test/container/base-image.sh"], { timeout: TIMEOUT }));
  const commit = (await sh(["git", "rev-parse", "--short=12", "HEAD"])).stdout.trim() || "unknown";
  await timed("docker build", () =>
    mustSh(
      [
        "docker",
        "build",
        "--network",
        "host",
        "--force-rm",
        "--build-arg",
        `BUN_IMAGE=${BASE_IMAGE}`,
        "--build-arg",
        "DA_TARGETS=linux-x64",
        "--build-arg",
        "DA_ZSTD=0",
        "--build-arg",
        `AGNES_COMMIT=${commit}`,
        "-t",
        IMAGE,
        ".",
      ],
      { timeout: TIMEOUT },
    ),
  );
  await mustSh(["docker", "volume", "create", VOLUME]);
}, TIMEOUT);

afterAll(async () => {
  for (const name of containers) await sh(["docker", "rm", "-f", "-v", name]);
  await sh(["docker", "volume", "rm", "-f", VOLUME]);
  cleanupTempDirs();
  console.log(`image test timings (s): ${JSON.stringify(timings)}`);
});

describe("the Docker image", () => {
  test(
    "runs healthy on a volume, serves `curl | sh`, keeps its data across a restart and a new container, and recover-admin works in a container",
    async () => {
      // The image's HEALTHCHECK is the Dockerfile's probe of /health, and it runs as the bun user.
      const config = JSON.parse(await mustSh(["docker", "image", "inspect", "-f", "{{json .Config}}", IMAGE])) as {
        Healthcheck?: { Test: string[] };
        User: string;
        Env: string[];
      };
      expect(config.Healthcheck?.Test.join(" ")).toContain("/health");
      expect(config.User).toBe("bun");
      expect(config.Env).toContain("DATA_DIR=/data");

      const first = await startContainer({ AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password });
      await timed("first start to healthy", () => waitHealthy(first));

      // Install da from the container, as a user does.
      const home = tempHome();
      const install = await timed("curl | sh", () => pipeInstaller(url, { home }));
      expect(install.stderr).not.toContain("error:");
      expect(install.code).toBe(0);
      expect(install.stdout).toMatch(/Installed da \d+\.\d+\.\d+/);
      expect((await da(home, ["--version"])).code).toBe(0);

      const login = await da(home, ["login", "--email", ADMIN.email, "--password-stdin"], ADMIN.password);
      expect(login.stderr + login.stdout).not.toMatch(/^\s+at /m);
      expect(login.code).toBe(0);
      const whoami = await da(home, ["auth", "whoami"]);
      expect(whoami.code).toBe(0);
      expect(whoami.stdout + whoami.stderr).toContain(ADMIN.email);
      expect(whoami.stdout + whoami.stderr).toContain(url);
      const created = await da(home, ["auth", "token", "create", "--name", "image-test", "--ttl", "30d", "--json"]);
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);
      const pat = (JSON.parse(created.stdout) as { token: string }).token;

      // Restart: the stored session and the token are still good (both live in DuckDB on /data).
      await timed("restart to healthy", async () => {
        await mustSh(["docker", "restart", first]);
        await waitHealthy(first);
      });
      const afterRestart = await da(home, ["auth", "whoami"]);
      expect(afterRestart.stdout + afterRestart.stderr).toContain(ADMIN.email);
      expect(afterRestart.code).toBe(0);
      const withPat = await daWithToken(home, pat, ["auth", "whoami"]);
      expect(withPat.stdout + withPat.stderr).toContain(ADMIN.email);
      expect(withPat.code).toBe(0);

      // A new container on the same volume, with no admin seeding: everything it knows came from /data.
      await mustSh(["docker", "rm", "-f", first]);
      const second = await startContainer({});
      await timed("new container to healthy", () => waitHealthy(second));
      const inNew = await da(home, ["auth", "whoami"]);
      expect(inNew.stdout + inNew.stderr).toContain(ADMIN.email);
      expect(inNew.code).toBe(0);
      const token = await fetch(`${url}/auth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
      });
      expect(token.status).toBe(200);
      const patAgain = await daWithToken(home, pat, ["auth", "whoami"]);
      expect(patAgain.code).toBe(0);

      // Break-glass as README's "Operating Agnes" says: `docker run … <image> bun src/server.ts recover-admin`.
      const recoverAdmin = (email: string) =>
        sh([
          "docker",
          "run",
          "--rm",
          "--network",
          "host",
          "-v",
          `${VOLUME}:/data`,
          "-e",
          `PUBLIC_URL=${url}`,
          IMAGE,
          "bun",
          "src/server.ts",
          "recover-admin",
          email,
        ]);
      const whileRunning = await recoverAdmin("ops@example.com");
      expect(whileRunning.stderr).toContain("Stop the server first");
      expect(whileRunning.stderr).not.toMatch(/^\s+at /m);
      expect(whileRunning.code).toBe(2);
      await mustSh(["docker", "stop", second]);
      const recovered = await timed("recover-admin in a container", () => recoverAdmin("ops@example.com"));
      expect(recovered.stdout).toContain("ops@example.com is now an active admin (created)");
      expect(recovered.code).toBe(0);
      const link = new RegExp(`${url.replace(/[.]/g, "\\.")}(/auth/password/reset\\?token=\\S+)`).exec(recovered.stdout);
      expect(link).not.toBeNull();
      await mustSh(["docker", "start", second]);
      await waitHealthy(second);
      const reset = await fetch(url + link![1], {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ password: "recovered-pass-1", password_confirm: "recovered-pass-1" }),
        redirect: "manual",
      });
      expect(reset.status).toBe(303);
      const recoveredLogin = await fetch(`${url}/auth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "ops@example.com", password: "recovered-pass-1" }),
      });
      expect(recoveredLogin.status).toBe(200);
    },
    TIMEOUT,
  );
});
