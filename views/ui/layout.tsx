import type { PageContext } from "../../src/shared/page-context";
import { Alert } from "./alert";
import { Nav, type NavSection } from "./nav";

/** `section`: the navigation entry this page belongs to, marked as the current one. */
export function Layout({ title, page, section, children }: { title: string; page: PageContext; section?: NavSection; children?: JSX.Element }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title safe>{`${title} · Agnes`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/">
            Agnes
          </a>
          <Nav principal={page.principal} isAdmin={page.isAdmin} csrf={page.csrf} current={section} />
        </header>
        <main id="main" tabindex="-1">
          <Alert flash={page.flash} />
          {children as "safe"}
        </main>
      </body>
    </html>
  );
}
