// Reading a cookie from a response, for tests and benchmarks (no test runner needed).

export function cookieFrom(res: Response, name: string): string | null {
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const [key, ...rest] = pair!.split("=");
    if (key?.trim() === name) return rest.join("=");
  }
  return null;
}
