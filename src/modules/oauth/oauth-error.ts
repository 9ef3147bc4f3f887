// A refusal in the OAuth protocol's own words (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 8707 §2):
// `{"error": "invalid_grant", "error_description": …}`, plus our usual `detail` for people.
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    description: string,
    readonly status = 400,
  ) {
    super(description);
  }

  body(): { error: string; error_description: string; detail: string } {
    return { error: this.error, error_description: this.message, detail: this.message };
  }
}
