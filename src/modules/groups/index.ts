// Groups and grants (issue 23): who may read which dataset. API in api.ts, pages in pages.tsx.
export { groupsApi } from "./api";
export { groupsPages } from "./pages";
