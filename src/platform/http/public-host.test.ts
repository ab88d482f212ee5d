import { describe, expect, it } from 'vitest';
import { assertPublicHost } from './public-host.ts';

describe('public hosts for outbound requests', () => {
  it('refuses loopback, private, link-local and unique-local addresses', async () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      '10.1.2.3',
      '192.168.1.1',
      '172.20.0.1',
      '169.254.169.254',
      '[::1]',
      'fd00::1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
    ]) {
      await expect(assertPublicHost(host), host).rejects.toThrow('not a public address');
    }
  });

  it('accepts public addresses', async () => {
    for (const host of ['93.184.216.34', '2001:4860:4860::8888'])
      await expect(assertPublicHost(host)).resolves.toBeUndefined();
  });
});
