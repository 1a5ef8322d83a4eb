import { describe, expect, test } from 'vitest';
import { emailPlaceholders, isReservedDomain } from '../../lib/core/placeholders.js';

describe('placeholders', () => {
  test('the RFC 2606 names are reserved, whatever the case or subdomain; real ones are not', () => {
    for (const domain of ['example.com', 'smtp.example.com', 'EXAMPLE.ORG', 'mail.example.net.', 'box.test', 'a.example', 'x.invalid', 'localhost']) {
      expect(isReservedDomain(domain), domain).toBe(true);
    }
    for (const domain of ['gmail.com', 'example.co.uk', 'myexample.com', 'example.com.au', 'testing.io', 'smtp.office365.com']) {
      expect(isReservedDomain(domain), domain).toBe(false);
    }
  });

  test('names every field that holds one, and only those', () => {
    const problems = emailPlaceholders({ smtpHost: 'smtp.gmail.com', from: 'odin@example.com', to: ['me@me.com', 'x@y.test'], username: 'me@me.com' }, 'email');
    expect(problems.map((p) => p.split(':')[0])).toEqual(['email.from', 'email.to[1]']);
    expect(emailPlaceholders({ smtpHost: 'smtp.gmail.com', from: 'a@me.com', to: ['b@me.com'], username: 'odin@example.net' }, 'e')).toHaveLength(1);
  });
});
