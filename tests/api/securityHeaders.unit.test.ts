import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../src/api/securityHeaders.js';

describe('security headers', () => {
  it('are the headers helmet sets for the configuration, worked out once', () => {
    const headers = securityHeaders({ contentSecurityPolicy: false });
    expect(headers).toMatchObject({
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'x-xss-protection': '0',
    });
    expect(headers).not.toHaveProperty('content-security-policy');
    expect(headers).not.toHaveProperty('x-powered-by');
  });

  it('follow the options given to helmet', () => {
    expect(securityHeaders({ contentSecurityPolicy: false, frameguard: { action: 'deny' }, strictTransportSecurity: false })).toMatchObject({ 'x-frame-options': 'DENY' });
    expect(securityHeaders({ contentSecurityPolicy: false, strictTransportSecurity: false })).not.toHaveProperty('strict-transport-security');
  });

  it('refuse a content security policy, which may depend on the request', () => {
    expect(() => securityHeaders({})).toThrow(/content security policy/);
  });
});
