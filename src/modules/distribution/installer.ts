// install.sh / install.ps1 as served: the templates in installers/ with this server's public URL
// baked in. The URL has already passed publicBaseUrl's plain-URL check (no quotes, spaces, `$`,
// backticks or newlines can reach here); it is checked again and quoted for each shell anyway,
// because a script piped into `sh` is the worst place for an injection.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isPlainUrl } from "../../http/public-url";

export const URL_PLACEHOLDER = "__AGNES_SERVER_URL__";
/** The server's da signing key (minisign public key, base64): install.sh verifies with it and pins it. */
export const KEY_PLACEHOLDER = "__AGNES_SIGNING_KEY__";
const PUBLIC_KEY = /^[A-Za-z0-9+/]{40,}={0,2}$/;
const INSTALLERS_DIR = join(import.meta.dir, "..", "..", "..", "installers");

export type InstallerKind = "sh" | "ps1";

/** The quoted placeholder as it appears in each template. */
const QUOTED_PLACEHOLDER: Record<InstallerKind, string> = {
  sh: `'${URL_PLACEHOLDER}'`,
  ps1: `'${URL_PLACEHOLDER}'`,
};

/** POSIX sh single quotes: nothing inside is special; a quote itself becomes '\'' . */
export function shellSingleQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** PowerShell single quotes: nothing inside is special; a quote itself is doubled. */
export function powershellSingleQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, "$&$&")}'`;
}

export class Installers {
  private readonly templates: Record<InstallerKind, string>;

  constructor(dir: string = INSTALLERS_DIR) {
    // Read once: the templates ship with the server and change only with a new release.
    this.templates = {
      sh: readFileSync(join(dir, "install.sh"), "utf8"),
      ps1: readFileSync(join(dir, "install.ps1"), "utf8"),
    };
    for (const kind of ["sh", "ps1"] as const) {
      for (const placeholder of [QUOTED_PLACEHOLDER[kind], `'${KEY_PLACEHOLDER}'`]) {
        if (this.templates[kind].split(placeholder).length !== 2) throw new Error(`installers/install.${kind} must contain ${placeholder} exactly once`);
      }
    }
  }

  render(kind: InstallerKind, serverUrl: string, signingKey: string): string {
    if (!isPlainUrl(serverUrl)) throw new Error("refusing to bake a URL that is not plain into an installer");
    if (!PUBLIC_KEY.test(signingKey)) throw new Error("refusing to bake a signing key that is not a base64 line into an installer");
    const quote = kind === "sh" ? shellSingleQuote : powershellSingleQuote;
    return this.templates[kind].replace(QUOTED_PLACEHOLDER[kind], () => quote(serverUrl)).replace(`'${KEY_PLACEHOLDER}'`, () => quote(signingKey));
  }
}
