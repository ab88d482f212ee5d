// The daily reconciliation report of an ente, for an Italian calendar day: receipts recorded (how many,
// how much, by item; credited or not), receipt issues opened, positions paid and expired. No HTTP, no SQL.
import type { AnyDb } from '../../platform/db/database.ts';
import type { IssueKind, ReceiptResult } from './payments.schema.ts';
import * as repo from './report.repo.ts';

const ROME_HOUR = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  hour: '2-digit',
  hourCycle: 'h23',
});

/** The instant an Italian day starts: at 00:00 UTC Rome reads 01 or 02, and never changes clocks before 02. */
export function romeMidnight(day: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  return new Date(utcMidnight - Number(ROME_HOUR.format(utcMidnight)) * 3_600_000);
}

export const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export interface DailyReport {
  day: string;
  /** Every receipt recorded that day, and the amount credited by those that paid an option. */
  receipts: { count: number; creditedCents: number };
  /** Receipts that paid an option, by the item of its position (null: no item). */
  credited: { itemCode: string | null; count: number; totalCents: number }[];
  /** Receipts that paid nothing: failed payments (ko) and those left to an operator. */
  notCredited: { result: Exclude<ReceiptResult, 'paid'>; count: number; totalCents: number }[];
  issues: { kind: IssueKind; count: number }[];
  positions: { paid: number; expired: number };
}

export async function dailyReport(db: AnyDb, enteId: string, day: string): Promise<DailyReport> {
  const from = romeMidnight(day);
  const to = romeMidnight(nextDay(day));
  const groups = await repo.receiptsBetween(db, enteId, from, to);
  const credited = new Map<string | null, { itemCode: string | null; count: number; totalCents: number }>();
  const notCredited = new Map<string, DailyReport['notCredited'][number]>();
  for (const g of groups) {
    if (g.result === 'paid') {
      const entry = credited.get(g.itemCode) ?? { itemCode: g.itemCode, count: 0, totalCents: 0 };
      entry.count += g.count;
      entry.totalCents += g.totalCents;
      credited.set(g.itemCode, entry);
    } else {
      const entry = notCredited.get(g.result) ?? { result: g.result, count: 0, totalCents: 0 };
      entry.count += g.count;
      entry.totalCents += g.totalCents;
      notCredited.set(g.result, entry);
    }
  }
  return {
    day,
    receipts: {
      count: groups.reduce((sum, g) => sum + g.count, 0),
      creditedCents: [...credited.values()].reduce((sum, c) => sum + c.totalCents, 0),
    },
    credited: [...credited.values()],
    notCredited: [...notCredited.values()],
    issues: await repo.issuesOpenedBetween(db, enteId, from, to),
    positions: await repo.positionsSettledBetween(db, enteId, from, to),
  };
}
