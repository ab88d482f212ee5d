// Italian: the default language and the reference set of keys, one file of texts per area.

import { certificates } from './it/certificates.ts';
import { identity } from './it/identity.ts';
import { payments } from './it/payments.ts';
import { platform } from './it/platform.ts';
import { registry } from './it/registry.ts';
import { sad } from './it/sad.ts';
import { tenancy } from './it/tenancy.ts';

export const it = {
  ...platform,
  ...tenancy,
  ...identity,
  ...sad,
  ...payments,
  ...certificates,
  ...registry,
} as const;

export type MessageKey = keyof typeof it;
