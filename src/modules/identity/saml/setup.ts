// Builds the SPID service provider from the configuration: its key and certificate (from files, or
// created once and kept in the database), and the identity providers from the registry's metadata file.
import fs from 'node:fs';
import type { Config } from '../../../config.ts';
import type { Db } from '../../../platform/db/database.ts';
import { platformSecretWith } from '../../../platform/secrets.repo.ts';
import { type IdentityProvider, parseIdpMetadata } from './idp-metadata.ts';
import { DEFAULT_ATTRIBUTES, SpidServiceProvider } from './service-provider.ts';
import { createSpCertificate } from './sp-certificate.ts';

type Settings = Config['spidSaml'];

export async function createServiceProvider(
  db: Db,
  settings: Settings,
  publicUrl: string,
  extraIdps: IdentityProvider[] = [],
): Promise<SpidServiceProvider | undefined> {
  const idps = [
    ...(settings.idpMetadataFile ? parseIdpMetadata(fs.readFileSync(settings.idpMetadataFile, 'utf8')) : []),
    ...extraIdps,
  ];
  if (idps.length === 0) return undefined;
  const { keyPem, certPem } = await spKeyPair(db, settings);
  return new SpidServiceProvider({
    entityId: settings.entityId,
    acsUrl: `${publicUrl}/accedi/saml/acs`,
    sloUrl: `${publicUrl}/accedi/saml/slo`,
    keyPem,
    certPem,
    organization: {
      name: settings.organizationName,
      displayName: settings.organizationName,
      url: publicUrl,
      ipaCode: settings.ipaCode,
      email: settings.email,
      ...(settings.phone ? { phone: settings.phone } : {}),
    },
    serviceName: 'Servizi online',
    attributes: DEFAULT_ATTRIBUTES,
    idps,
  });
}

async function spKeyPair(db: Db, settings: Settings): Promise<{ keyPem: string; certPem: string }> {
  if (settings.keyFile && settings.certFile) {
    return {
      keyPem: fs.readFileSync(settings.keyFile, 'utf8'),
      certPem: fs.readFileSync(settings.certFile, 'utf8'),
    };
  }
  const stored = await platformSecretWith(db, `spid-sp:${settings.entityId}`, () =>
    JSON.stringify(
      createSpCertificate({
        organizationName: settings.organizationName,
        commonName: settings.organizationName,
        entityId: settings.entityId,
        ipaCode: settings.ipaCode,
        locality: settings.locality,
      }),
    ),
  );
  return JSON.parse(stored) as { keyPem: string; certPem: string };
}
