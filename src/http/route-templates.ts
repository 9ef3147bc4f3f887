// Which route template (`/api/users/:id`) a request matched, for the request metrics' `route`
// label: a template, never the raw path, so the label's values stay bounded whatever clients send.
// The table is built from the app's own route list with Memoirist, the router Elysia itself uses,
// so both agree on static, `:param` and `*` paths (test/http/route-templates.test.ts holds that).
import { Memoirist } from "memoirist";

type RouteLike = { method: string; path: string };

export class RouteTemplates {
  private readonly table = new Memoirist<string>();
  // Paths without parameters, by method: most requests, answered by one look-up.
  private readonly fixed = new Map<string, Map<string, string>>();

  constructor(routes: readonly RouteLike[]) {
    for (const { method, path } of routes) {
      if (method === "WS") continue;
      for (const variant of withAndWithoutTrailingSlash(path)) {
        this.table.add(method, variant, path, { ignoreError: true });
        if (!/[:*]/.test(path)) this.fixedOf(method).set(variant, path);
      }
    }
  }

  /** The matched template, or undefined when no route matches (a 404). HEAD is answered by GET. */
  of(method: string, path: string): string | undefined {
    return this.fixed.get(method)?.get(path) ?? this.find(method, path) ?? (method === "HEAD" ? this.find("GET", path) : undefined) ?? this.find("ALL", path);
  }

  private find(method: string, path: string): string | undefined {
    return this.table.find(method, path)?.store;
  }

  private fixedOf(method: string): Map<string, string> {
    let paths = this.fixed.get(method);
    if (!paths) this.fixed.set(method, (paths = new Map()));
    return paths;
  }
}

// Elysia answers `/x/` on a route written `/x` and the other way round (strictPath is off).
function withAndWithoutTrailingSlash(path: string): string[] {
  if (path === "/" || path.endsWith("*")) return [path];
  return path.endsWith("/") ? [path, path.slice(0, -1)] : [path, `${path}/`];
}
