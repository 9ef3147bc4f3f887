import type { PageContext, Viewer } from "../../src/shared/page-context";
import type { ActivityStats, ReadableAuditEntry } from "../../src/shared/activity";
import { Layout } from "../ui/layout";
import { ActivityCharts, OwnActivity } from "./activity-charts";

type Tile = { href: string; title: string; text: string };

function tilesFor(isAdmin: boolean): Tile[] {
  const tiles: Tile[] = [
    { href: "/data", title: "Data", text: "The datasets you may read, and a query box; da query and da sync for the terminal." },
    { href: "/profile", title: "Profile", text: "Your password, sessions and personal access tokens." },
    { href: "/install", title: "Install CLI", text: "Get the da command-line client, sign in from the terminal, use tokens in CI." },
  ];
  if (isAdmin) {
    tiles.unshift(
      { href: "/admin/users", title: "Users", text: "Add people, change roles, reset passwords." },
      { href: "/admin/groups", title: "Groups", text: "Teams, their members, and which datasets each may read." },
      { href: "/admin/tokens", title: "Tokens", text: "Every personal access token, and revoke any." },
      { href: "/admin/audit", title: "Audit trail", text: "Who changed what, and when." },
      { href: "/admin/datasets", title: "Datasets", text: "Every dataset: upload, replace and delete." },
    );
  }
  return tiles;
}

export type DashboardProps = {
  page: PageContext;
  principal: Viewer;
  /** Admins only: the activity charts' numbers. */
  stats?: ActivityStats | null;
  /** The viewer's own latest audit entries. */
  recent?: ReadableAuditEntry[];
};

export function DashboardPage({ page, principal, stats, recent }: DashboardProps) {
  const user = principal.user;
  return (
    <Layout title="Dashboard" page={page} section="dashboard">
      <section>
        <h1 safe>{`Hello, ${user.name || user.email}`}</h1>
        <p class="muted">
          Signed in as <strong safe>{user.email}</strong> · role <span class="badge">{user.role}</span>
        </p>
        <div class="tiles">
          {tilesFor(page.isAdmin).map((tile) => (
            <a class="tile" href={tile.href}>
              <h2 safe>{tile.title}</h2>
              <p safe>{tile.text}</p>
            </a>
          ))}
        </div>
        {stats ? <ActivityCharts stats={stats} /> : ""}
        {recent ? <OwnActivity entries={recent} /> : ""}
      </section>
    </Layout>
  );
}
