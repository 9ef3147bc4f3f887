// /install: the one-liner for the visitor's platform first, the others behind plain links (tabs that
// work without JavaScript), manual downloads with checksums, then signing in, tokens and CI.
import type { PageContext } from "../../src/shared/page-context";
import type { Manifest } from "../../src/shared/contract";
import { CopyButton } from "../ui/copy-button";
import { Layout } from "../ui/layout";
import { Table } from "../ui/table";

export type Platform = "linux" | "macos" | "windows";

const PLATFORM_LABEL: Record<Platform, string> = { linux: "Linux", macos: "macOS", windows: "Windows" };

/** `?os=` (a tab the visitor chose) wins; otherwise the User-Agent decides; otherwise Linux. */
export function pickPlatform(chosen: string | undefined, userAgent: string | null): Platform {
  if (chosen === "linux" || chosen === "macos" || chosen === "windows") return chosen;
  const ua = userAgent ?? "";
  if (/windows/i.test(ua)) return "windows";
  if (/mac os x|macintosh|darwin/i.test(ua)) return "macos";
  return "linux";
}

export function installCommand(platform: Platform, serverUrl: string): string {
  return platform === "windows" ? `irm ${serverUrl}/cli/install.ps1 | iex` : `curl -fsSL ${serverUrl}/cli/install.sh | sh`;
}

function formatSize(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A command to copy. Lines break only between words (each word is `nowrap`), so `--ttl` never splits
 * into `-` and `-ttl`; a word wider than the screen scrolls inside the box, which a keyboard can reach.
 */
function Command({ text, id }: { text: string; id?: string }) {
  return (
    <div class="command">
      <pre tabindex="0">
        <code id={id}>
          {text.split("\n").map((line, i) => (
            <>
              {i > 0 ? "\n" : ""}
              {line.split(" ").map((word, j) => (
                <>
                  {j > 0 ? " " : ""}
                  <span class="token" safe>
                    {word}
                  </span>
                </>
              ))}
            </>
          ))}
        </code>
      </pre>
      <CopyButton text={text} />
    </div>
  );
}

function Downloads({ manifest }: { manifest: Manifest | null }) {
  if (!manifest || manifest.targets.length === 0) {
    return (
      <p class="muted">
        No <code>da</code> binaries are built on this server yet. An administrator builds them with <code>bun run build</code>.
      </p>
    );
  }
  return (
    <>
      <p class="muted" safe>
        {`Version ${manifest.version} (${manifest.commit}). Verify a download with sha256sum (Linux), shasum -a 256 (macOS) or Get-FileHash (Windows).`}
      </p>
      <Table columns={["Platform", "File", "Size", "SHA-256"]}>
        {manifest.targets.map((t) => (
          <tr>
            <td safe>{t.target}</td>
            <td>
              <a href={t.url} download={t.filename} safe>
                {t.filename}
              </a>
            </td>
            <td safe>{formatSize(t.size)}</td>
            <td>
              <code class="mono" safe>
                {t.sha256}
              </code>
            </td>
          </tr>
        ))}
      </Table>
      <p>
        <a href="/cli/SHA256SUMS">SHA256SUMS</a> · <a href="/cli/SHA256SUMS.minisig">SHA256SUMS.minisig</a> · <a href="/cli/manifest.json">manifest.json</a>
      </p>
    </>
  );
}

export type SigningKeyView = { keyId: string; publicKey: string };

/** The key every release is signed with: what install.sh pins and `da update` checks against. */
function SigningKey({ signingKey }: { signingKey: SigningKeyView }) {
  return (
    <>
      <h2>Signing key</h2>
      <p class="muted" safe>
        {`Every da release of this server is signed with key ${signingKey.keyId}. Each da checks updates against it; the installer pins it in ~/.config/da/config.yml. Check a download's SHA256SUMS yourself with minisign:`}
      </p>
      <Command text={`minisign -V -m SHA256SUMS -P ${signingKey.publicKey}`} id="signing-key" />
      <p>
        <a href="/cli/signing-key.pub">signing-key.pub</a>
      </p>
    </>
  );
}

export function InstallPage({
  page,
  serverUrl,
  platform,
  manifest,
  building = [],
  signingKey,
}: {
  page: PageContext;
  signingKey: SigningKeyView;
  serverUrl: string;
  platform: Platform;
  manifest: Manifest | null;
  /** Targets the server is building right now (its first start). */
  building?: string[];
}) {
  const others = (["linux", "macos", "windows"] as const).filter((p) => p !== platform);
  const ciScript = [
    `# DA_TOKEN comes from your CI's secret store: a token made with da auth token create --raw`,
    `export DA_SERVER=${serverUrl}`,
    `curl -fsSL ${serverUrl}/cli/install.sh | sh`,
    `export PATH="$HOME/.local/bin:$PATH"`,
    `da auth whoami`,
  ].join("\n");
  return (
    <Layout title="Install the CLI" page={page} section="install">
      <>
        <section class="card">
          <h1>Install the da CLI</h1>
          {building.length > 0 && (
            <p class="flash" role="status" safe>
              {`This server is building da for ${building.join(", ")}, try again in a minute.`}
            </p>
          )}
          <p class="muted">
            One standalone binary; nothing else to install. The installer checks the download's SHA-256 and its signature, and sets this server as the default.
          </p>
          <nav class="tabs" aria-label="Platform">
            {(["linux", "macos", "windows"] as const).map((p) => (
              <a href={`/install?os=${p}`} class={p === platform ? "active" : ""} aria-current={p === platform ? "page" : undefined} safe>
                {PLATFORM_LABEL[p]}
              </a>
            ))}
          </nav>
          <h2 safe>{`${PLATFORM_LABEL[platform]}: ${platform === "windows" ? "in PowerShell" : "in a terminal"}`}</h2>
          <Command text={installCommand(platform, serverUrl)} id="install-command" />
          {platform === "windows" ? (
            <p class="muted">
              Installs to <code>%LOCALAPPDATA%\Programs\da</code> and adds it to your user PATH.
            </p>
          ) : (
            <p class="muted">
              Installs to <code>~/.local/bin</code> (set <code>DA_INSTALL_DIR</code> to change it). Re-run it any time to upgrade, or run <code>da update</code>
              .
            </p>
          )}
          {others.map((p) => (
            <details>
              <summary safe>{PLATFORM_LABEL[p]}</summary>
              <Command text={installCommand(p, serverUrl)} />
            </details>
          ))}
        </section>

        <section class="card">
          <h2>Sign in</h2>
          <Command text="da login" />
          <p class="muted">
            Opens this site in your browser: approve <code>da</code> there, with no password typed into the terminal (the server is already set). Check with{" "}
            <code>da auth whoami</code>.
          </p>
          <p class="muted">
            On a machine without a browser (SSH, a container), <code>da login --device</code> shows a one-time code to enter at <code>/device</code> from any
            signed-in browser. Scripts can pipe a password (<code>--password-stdin</code>) or a token (<code>--with-token</code>).
          </p>
          <h2>Create a token for scripts and CI</h2>
          <Command text="da auth token create --name ci --ttl 90d --raw" />
          <p class="muted">
            Prints the token once; store it as a secret. <code>da auth token list</code> and <code>da auth token revoke</code> manage them; you can also create
            tokens on your profile page.
          </p>
          <h2>Use it in CI</h2>
          <Command text={ciScript} />
          <p class="muted">
            With <code>DA_TOKEN</code> and <code>DA_SERVER</code> set, <code>da</code> needs no login and no config file.
          </p>
        </section>

        <section class="card">
          <h2>Manual downloads</h2>
          <Downloads manifest={manifest} />
          <SigningKey signingKey={signingKey} />
        </section>
      </>
    </Layout>
  );
}
