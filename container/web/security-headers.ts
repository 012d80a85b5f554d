/**
 * The Content-Security-Policy of everything the web port serves: scripts,
 * styles and calls only from the front's own origin (no inline script, no
 * eval, no CDN), images also as data URLs, no plugins, no framing, no
 * `<base>` tricks. Tenant data is rendered as text; this is the second wall.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * Headers on every response of the web port: the CSP, no MIME sniffing, no
 * framing, no referrer leaking job ids to other sites.
 *
 * @example
 * ```ts
 * for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
 * ```
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
