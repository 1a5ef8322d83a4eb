/**
 * Documentation names (RFC 2606, RFC 6761): `example.com`, `example.net`, `example.org` and the `.test`, `.example`,
 * `.invalid` and `.localhost` top-level domains. Mail to them is never delivered, so an address there is a placeholder
 * that would make every notification fail without a word.
 */
const RESERVED_SECOND_LEVEL = ['example.com', 'example.net', 'example.org'];
const RESERVED_TOP_LEVEL = ['test', 'example', 'invalid', 'localhost'];

/** Whether `domain` (a host name, or the part of an address after `@`) is reserved for documentation. */
export function isReservedDomain(domain: string): boolean {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  return RESERVED_TOP_LEVEL.includes(labels[labels.length - 1]) || RESERVED_SECOND_LEVEL.includes(labels.slice(-2).join('.'));
}

/** The email settings a placeholder may hide in (structurally `EmailConfig`). */
export interface EmailAddressing {
  readonly smtpHost: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly username: string;
}

/** One problem per email setting that names a reserved domain, each as `<path>.<field>: ...`. */
export function emailPlaceholders(email: EmailAddressing, path: string): string[] {
  const fields: Array<[string, string, string]> = [
    ['smtpHost', email.smtpHost, email.smtpHost],
    ['from', email.from, email.from.split('@').pop() ?? ''],
    ...email.to.map((to, i): [string, string, string] => [`to[${i}]`, to, to.split('@').pop() ?? '']),
    ...(email.username.includes('@') ? [['username', email.username, email.username.split('@').pop() ?? ''] as [string, string, string]] : []),
  ];
  return fields.filter(([, , domain]) => isReservedDomain(domain)).map(([field, value]) =>
    `${path}.${field}: '${value}' is a placeholder (a domain reserved for documentation, RFC 2606, that receives no mail); `
    + 'set your own, or leave email disabled');
}
