// The SP's self-signed certificate: one Node (and so xml-crypto) can read, whatever its random serial.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateSerial, createSpCertificate } from './sp-certificate.ts';

const firstByte = (serial: ArrayBuffer) => new Uint8Array(serial)[0];

describe('SP certificate', () => {
  it('keeps the serial positive and minimal in DER, even when the random bytes start with zeros', () => {
    expect(firstByte(certificateSerial(Buffer.alloc(16, 0)))).toBe(0x01);
    expect(firstByte(certificateSerial(Buffer.alloc(16, 0xff)))).toBe(0x7f);
    expect(firstByte(certificateSerial(Buffer.from([0x80, ...Array(15).fill(0)])))).toBe(0x01);
    expect(certificateSerial(Buffer.alloc(16, 0)).byteLength).toBe(16);
  });

  it('is a certificate Node reads, with that serial', () => {
    const { certPem } = createSpCertificate({
      organizationName: 'Comune di Prova',
      commonName: 'Comune di Prova',
      entityId: 'https://servizi.example.it/spid',
      ipaCode: 'c_x000',
      locality: 'Venezia',
    });
    const cert = new X509Certificate(certPem);
    expect(cert.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
    expect(cert.serialNumber.slice(0, 2)).not.toBe('00');
    // Valid already for a provider whose clock is a few minutes behind.
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(Date.now() - 4 * 60_000);
  });
});
