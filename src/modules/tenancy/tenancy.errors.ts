import { AppError } from '../../platform/errors.ts';

export const TenancyErrors = {
  enteNotFound: () => new AppError('ENTE_NOT_FOUND', 404, 'No ente with this identifier.'),
  sadNotFound: () => new AppError('SAD_NOT_FOUND', 404, 'No SAD with this identifier.'),
  comuneUnknown: (istat: string) =>
    new AppError('COMUNE_UNKNOWN', 400, `No active comune has ISTAT code ${istat}.`, [
      { field: 'istat_code', message: 'is not the ISTAT code of an active comune' },
    ]),
  enteExists: (istat: string) =>
    new AppError('ENTE_EXISTS', 409, `The comune ${istat} is already onboarded.`),
  hostTaken: (host: string) => new AppError('HOST_TAKEN', 409, `The host name ${host} is already in use.`),
  slugTaken: (slug: string) => new AppError('SLUG_TAKEN', 409, `The address /${slug} is already in use.`),
} as const;
