// English: every key of the Italian texts, one file of texts per area.

import { certificates } from './en/certificates.ts';
import { identity } from './en/identity.ts';
import { payments } from './en/payments.ts';
import { platform } from './en/platform.ts';
import { registry } from './en/registry.ts';
import { sad } from './en/sad.ts';
import { tenancy } from './en/tenancy.ts';
import type { MessageKey } from './it.ts';

export const en: Record<MessageKey, string> = {
  ...platform,
  ...tenancy,
  ...identity,
  ...sad,
  ...payments,
  ...certificates,
  ...registry,
};
