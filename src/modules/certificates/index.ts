// The certificates module (issue 5): registry certificates requested online or at the counter, stamp
// duty through pagoPA or an exemption, sealed PDFs stored as issued; the public verification pages.
import type { FastifyInstance } from 'fastify';
import type { PaidEvent } from '../payments/index.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import { certificatesAdminPages } from './certificates.admin.tsx';
import { citizenCertificatePages } from './certificates.citizen.tsx';
import { counterPages } from './certificates.counter.tsx';
import { certificatesPages } from './certificates.pages.tsx';
import { type CertificatesDeps, issuePaidCertificate, MODULE } from './certificates.service.ts';

export { startCertificateRendering } from './certificate-pdf.ts';
export { enteSeal, installationTestCa, testCaPem } from './certificate-seal.ts';
export {
  availableTypes,
  CERTIFICATE_TYPE_INFO,
  CERTIFICATE_TYPES,
  type CertificateType,
} from './certificate-types.ts';
export { certificateFigures, type EnteFigures } from './certificates.manage.ts';
export {
  type CertificateRequest,
  type CertificatesDeps,
  CertificatesErrors,
  findCertificate,
  findCertificateByNumber,
  issuePaidCertificate,
  type Requester,
  requestCertificate,
  verificationUrl,
} from './certificates.service.ts';
export { EXEMPTIONS, type Exemption, findExemption } from './exemptions.ts';
export { verifySealedPdf } from './seal/verify.ts';
export { type Verdict, verifyByCode, verifyByPdf } from './verification.ts';

/** Wires the issuing of paid certificates to the payments module (call from app.ts). */
export function registerCertificateJobs(
  payments: { onPaid(module: string, handler: (event: PaidEvent) => Promise<void>): void },
  deps: CertificatesDeps,
): void {
  payments.onPaid(MODULE, async (event) => {
    await issuePaidCertificate(deps, event);
  });
}

export interface CertificatesModuleDeps extends CertificatesDeps {
  directory: EnteDirectory;
  /** config.certificatesTrustAnchorsFile: the CA certificates every seal must also chain to. */
  trustAnchorsFile?: string | null;
}

/** The module's pages: public verification, the citizen's personal area, counter issuing, settings. */
export async function certificatesModule(app: FastifyInstance, deps: CertificatesModuleDeps): Promise<void> {
  await certificatesPages(app, deps);
  await certificatesAdminPages(app, deps);
  citizenCertificatePages(app, deps);
  counterPages(app, deps);
}
