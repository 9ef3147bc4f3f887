import type { PageContext } from "../../src/shared/page-context";
import { Layout } from "../ui/layout";

const TITLES: Record<number, string> = { 400: "Bad request", 403: "Not allowed", 404: "Page not found", 422: "Invalid input", 429: "Slow down" };

export function ErrorPage({ status, message, page }: { status: number; message: string; page: PageContext }) {
  const title = TITLES[status] ?? "Something went wrong";
  return (
    <Layout title={title} page={page}>
      <section class="card narrow">
        <h1 safe>{`${status} · ${title}`}</h1>
        <p safe>{message}</p>
        <p>
          <a href="/">Back to the start page</a>
        </p>
      </section>
    </Layout>
  );
}
