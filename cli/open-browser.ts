// Opens a URL in the user's browser, as gh does: $BROWSER when set (a command, run with the URL as
// its last argument, never through a shell), else the platform's opener. The caller always prints
// the URL too, so nothing is lost when no opener works (a server, a container, SSH).
import { platform } from "node:os";
import { sys } from "./system";

function openers(url: string, env: Record<string, string | undefined>): string[][] {
  const fromEnv = env.BROWSER?.trim();
  const list: string[][] = [];
  // $BROWSER may list several commands separated by colons (the old Unix convention).
  if (fromEnv) for (const command of fromEnv.split(":").filter(Boolean)) list.push([...command.trim().split(/\s+/), url]);
  if (platform() === "darwin") list.push(["open", url]);
  else if (platform() === "win32") list.push(["rundll32", "url.dll,FileProtocolHandler", url]);
  else list.push(["xdg-open", url], ["wslview", url]);
  return list;
}

/** True when an opener started (whether a browser appears is up to it). */
export function openBrowser(url: string, env: Record<string, string | undefined> = sys().env): boolean {
  for (const argv of openers(url, env)) {
    try {
      const child = Bun.spawn(argv, { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      child.unref();
      return true;
    } catch {
      // not installed: try the next one
    }
  }
  return false;
}
