// Secrets inside text that leaves Dispatch (log lines, error details in answers): the password of a
// URL (`postgres://user:PASSWORD@host`) and the value of a secret query parameter
// (`?token=…`, `?key=…`, `&api_key=…`). Everything else in the text stays as it was.

export const REDACTED = "[redacted]";

/** scheme://user:password@ — the user name stays (it says which account), the password goes. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"'<>\\]*):[^\s/?#@"'<>\\]*@/gi;

/** A query parameter whose name says it holds a secret: token, key, secret, password, signature… */
const SECRET_PARAM =
  /([?&;](?:[\w.-]*[_.-])?(?:token|key|apikey|secret|password|passwd|pass|pwd|signature|sig|auth|session|code|credentials?)=)[^&#;\s"'<>\\]*/gi;

/** The text with URL passwords and secret query values replaced by "[redacted]". */
export function redactSecrets(text: string): string {
  // Most log lines have neither: skip the regular expressions for them.
  if (!text.includes("@") && !text.includes("=")) return text;
  return text.replace(URL_PASSWORD, `$1:${REDACTED}@`).replace(SECRET_PARAM, `$1${REDACTED}`);
}
