// `da --help`, rendered from the command table by its one formatter. cli/main.ts imports this as a
// bundler macro, so the text is computed when da is built (and when the source is transpiled) and
// the compiled binary answers `da --help` without loading the table.
import { groupHelp } from "./command";
import { ROOT, ROOT_FLAGS } from "./tree";

export function rootHelp(): string {
  return groupHelp(["da"], ROOT, ROOT_FLAGS);
}
