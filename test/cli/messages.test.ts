// Messages that name the real cause: a token revoked by prefix or name, a missing backup pointing at
// the backup list, a server that is not Agnes, https against a plain-HTTP port.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AdminToken } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { cleanupSandboxes, daBinary, runDa, sandbox } from "../helpers/cli";
import { ADMIN, createPat, daLogin, getJson, sessionToken, startAgnes } from "./fixtures";

let server: RunningServer;
let env: Record<string, string>;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
  const box = sandbox();
  await daLogin(box, server);
  env = box.env;
});
afterAll(async () => {
  cleanupSandboxes();
  await server?.stop();
});

const stateOf = async (id: string) => {
  const admin = await sessionToken(server, ADMIN.email, ADMIN.password);
  return (await getJson<AdminToken[]>(server, "/auth/admin/tokens?limit=500", admin)).find((t) => t.id === id)?.revoked_at ?? null;
};

describe("da admin tokens revoke", () => {
  test("takes a prefix or a name as well as an id, and says whose token it was", async () => {
    const session = await sessionToken(server, ADMIN.email, ADMIN.password);
    const [byPrefix, byName] = await Promise.all([createPat(server, session, "by-prefix"), createPat(server, session, `by-name-${Date.now()}`)]);
    const prefix = await runDa(["admin", "tokens", "revoke", byPrefix.prefix, "--json"], { env });
    expect(prefix.code).toBe(0);
    expect(JSON.parse(prefix.stdout)).toMatchObject({ revoked: true, id: byPrefix.id, prefix: byPrefix.prefix, user_email: ADMIN.email });
    expect(await stateOf(byPrefix.id)).not.toBeNull();
    const name = await runDa(["admin", "tokens", "rm", byName.name], { env });
    expect(name.code).toBe(0);
    expect(name.stderr).toContain(`Revoked token "${byName.name}" (${byName.prefix}) of ${ADMIN.email}`);
    expect(await stateOf(byName.id)).not.toBeNull();
    const unknown = await runDa(["admin", "tokens", "revoke", "no-such-token"], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: no token matches "no-such-token"\nhint: see `da admin tokens list` for ids, prefixes and names\n');
  });
});

describe("the cause, named", () => {
  test("a missing backup points to the backup list, not the users list", async () => {
    const result = await runDa(["admin", "backup", "download", "agnes-backup-19990101T000000Z.tar.gz"], { env, cwd: sandbox().home });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("hint: check the name or id (`da admin backup list`)");
  });

  test("a server that answers without Agnes' shape is not an Agnes server", async () => {
    const other = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("Not Implemented", { status: 501 }) });
    try {
      const result = await runDa(["admin", "list-users", "--server", `http://127.0.0.1:${other.port}`, "--token", "agnes_pat_x"], { env: sandbox().env });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: http://127.0.0.1:${other.port} is not an Agnes server (it answered 501 without Agnes' headers)\nhint: check the URL (--server, DA_SERVER, \`da login\`)\n`,
      );
    } finally {
      other.stop(true);
    }
  });

  test("https against a plain-HTTP port says so, not just EPROTO", async () => {
    const plain = server.url.replace("http:", "https:");
    const result = await runDa(["auth", "whoami", "--server", plain, "--token", "agnes_pat_x"], { env: sandbox().env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${plain} did not answer TLS (`);
    expect(result.stderr).toContain(`hint: if the server has no TLS, use ${server.url}`);
  });
});
