/**
 * Text helpers shared by the chat-webhook bodies (`@vigie/alerting`'s alert events, `@vigie/reports`' weekly
 * digests). Pure; here because contracts is the one package both may depend on.
 */

/** A link for a Slack/Teams message: an http(s) URL, normalised by `URL`; anything else (or unparseable) is null. */
export function webhookLinkUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Slack mrkdwn treats &, < and > as control characters; everything interpolated goes through this. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
