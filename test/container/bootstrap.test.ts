// scripts/bootstrap.sh on the machine the README promises it for — one with only Node and npm — made
// from the container test's base image (test/container/base-image.sh, Debian bookworm), with Node and
// npm from Debian's packages and no Bun. Two traps of real machines are set on purpose:
//   - a `docker` client with no engine (a script that cannot connect): bootstrap must plan docker.io,
//     because it looks for `dockerd`, not `docker`;
//   - another apt run holding the dpkg lock for a few seconds: bootstrap waits for it, not fails.
// Then it installs one test tool (BOOTSTRAP_TOOLS=file, to stay fast), Bun 1.4.4 with npm and the
// project's packages, and `bun` runs. And with no Debian mirror reachable it stops with one line.
// Measured on 2 cores: the first about 100 s when it makes the Node machine (kept as an image), 35 s
// after; the second 15 s.
import { expect, test } from "bun:test";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const BASE_IMAGE = process.env.AGNES_BASE_IMAGE ?? "agnes-base:bun-1.4.4";

async function sh(cmd: string[], opts: { stdin?: Blob; timeout?: number } = {}) {
  const proc = Bun.spawn(cmd, { cwd: ROOT, stdin: opts.stdin ?? "ignore", stdout: "pipe", stderr: "pipe", timeout: opts.timeout ?? 600_000 });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, out: stdout + stderr };
}

/** This checkout's files (no node_modules, dist or data), as the container's /work. */
async function checkout(): Promise<Blob> {
  const tar = Bun.spawn(["tar", "-c", "--exclude=./node_modules", "--exclude=./dist", "--exclude=./data", "--exclude=./.git", "-f", "-", "."], {
    cwd: ROOT,
    stdout: "pipe",
  });
  return new Blob([await new Response(tar.stdout).arrayBuffer()]);
}

const UNPACK = `set -eu
export DEBIAN_FRONTEND=noninteractive
mkdir /work && tar -x -C /work && cd /work
`;
// The machine: the base image with Debian's nodejs and npm, and no Bun. Made once and kept (like the
// base image), labelled with what it was made from, so a run pays only for bootstrap itself.
const NODE_IMAGE = `${BASE_IMAGE.split(":")[0]}-node:${BASE_IMAGE.split(":")[1] ?? "latest"}`;
const NODE_SETUP =
  "export DEBIAN_FRONTEND=noninteractive && apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null && rm -f /usr/local/bin/bun /usr/local/bin/bunx";

async function nodeMachine(): Promise<string> {
  const label = Bun.hash(BASE_IMAGE + NODE_SETUP).toString(16);
  const made = await sh(["docker", "image", "inspect", "-f", '{{index .Config.Labels "agnes.node-setup"}}', NODE_IMAGE]);
  if (made.code === 0 && made.out.trim() === label) return NODE_IMAGE;
  const name = `agnes-node-setup-${process.pid}`;
  const setup = await sh(["docker", "run", "--name", name, "--network", "host", BASE_IMAGE, "sh", "-c", NODE_SETUP]);
  if (setup.code !== 0) throw new Error(`making ${NODE_IMAGE} failed:\n${setup.out.slice(-2000)}`);
  await sh(["docker", "commit", "--change", `LABEL agnes.node-setup=${label}`, name, NODE_IMAGE]);
  await sh(["docker", "rm", "-f", name]);
  return NODE_IMAGE;
}

const MACHINE = `set -eu
export DEBIAN_FRONTEND=noninteractive
command -v node && command -v npm && ! command -v bun
mkdir /work && tar -x -C /work && cd /work
printf '#!/bin/sh\\necho "Cannot connect to the Docker daemon" >&2\\nexit 1\\n' > /usr/local/bin/docker && chmod +x /usr/local/bin/docker
`;

test("on a machine with only Node and npm: plans docker.io despite a docker client, waits for the dpkg lock, installs Bun and the packages", async () => {
  expect((await sh(["sh", "test/container/base-image.sh"])).code).toBe(0);
  const machine = await nodeMachine();
  const script = `${MACHINE}
sh scripts/bootstrap.sh --test-tools --plan
perl -MFcntl=:flock -e 'open(my $f, ">", "/var/lib/dpkg/lock-frontend") or die; flock($f, LOCK_EX) or die; print "lock held\\n"; sleep 6' &
sleep 1
started=$(date +%s)
BOOTSTRAP_TOOLS=file sh scripts/bootstrap.sh --test-tools
echo "waited $(( $(date +%s) - started ))s"
file --version | head -n 1
bun --version
test -d node_modules/elysia && echo "packages installed"
`;
  const r = await sh(["docker", "run", "--rm", "-i", "--network", "host", machine, "sh", "-c", script], { stdin: await checkout() });
  expect(r.out).toMatch(/bootstrap: test tools to install from apt:.* docker\.io/);
  expect(r.out).toContain("lock held");
  expect(r.out).toContain("bootstrap: installing bun@1.4.4 with npm");
  expect(Number(r.out.match(/waited (\d+)s/)?.[1])).toBeGreaterThanOrEqual(4); // it waited for the other apt run
  expect(r.out).toMatch(/^file-\d/m);
  expect(r.out).toMatch(/^1\.4\.4$/m);
  expect(r.out).toContain("packages installed");
  expect(r.code).toBe(0);
});

test("with no Debian mirror reachable, it says what it could not install in one line and exits non-zero", async () => {
  // The base image's own Bun is enough here: the failure is in the apt step that follows.
  const script = `${UNPACK}
rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*
echo "deb http://127.0.0.1:9/debian bookworm main" > /etc/apt/sources.list
rm -rf /var/lib/apt/lists/*
BOOTSTRAP_TOOLS=file sh scripts/bootstrap.sh --test-tools || echo "exit $?"
`;
  const r = await sh(["docker", "run", "--rm", "-i", "--network", "host", BASE_IMAGE, "sh", "-c", script], { stdin: await checkout() });
  expect(r.out).toMatch(/^bootstrap: apt-get (update|install) failed.*file/m);
  expect(r.out).toMatch(/^exit 1$/m);
});
