// The words of the registry import: a refused file, a record's problems, and the report the command line
// prints. The pages and the CLI use the same messages (platform i18n, prefix registry.import.).
import type { MessageKey, Translate } from '../../platform/i18n/index.ts';
import type { RefusedUpload } from '../../platform/imports/import-routes.ts';
import type { RowError } from './registry-import.repo.ts';
import type { FileProblem } from './registry-import-file.ts';
import type { RowIssue } from './registry-import-rows.ts';

export function problemText(t: Translate, problem: RefusedUpload<FileProblem>): string {
  switch (problem.kind) {
    case 'malformed':
      return t('registry.import.file.malformed', { line: problem.line });
    case 'notJson':
      return t('registry.import.file.notJson', { detail: problem.detail });
    case 'missingColumns':
    case 'unknownColumns':
    case 'duplicateColumns':
      return t(`registry.import.file.${problem.kind}`, { columns: problem.columns.join(', ') });
    case 'tooManyRows':
      return t('registry.import.file.tooManyRows', { max: problem.max });
    case 'tooLarge':
      return t('registry.import.file.tooLarge', { mb: problem.maxBytes / 1024 / 1024 });
    default:
      return t(`registry.import.file.${problem.kind}`);
  }
}

/** The record's natural key as people read it (the kind has its own column). */
export const keyText = (e: RowError) => e.key.replace(/^[a-z_]+:/, '');

export const issueText = (t: Translate, issue: RowIssue) =>
  t(`registry.import.rule.${issue.rule}` as MessageKey, { other: issue.other ?? '' });

/** What the command line prints after an import: the counts, then one line per problem. */
export function reportLines(
  t: Translate,
  result: { summary: { counts: Record<string, number> }; errors: RowError[] },
): string[] {
  const { counts } = result.summary;
  return [
    t('registry.import.counts', {
      created: counts.created ?? 0,
      updated: counts.updated ?? 0,
      unchanged: counts.unchanged ?? 0,
      errors: counts.error ?? 0,
    }),
    ...result.errors.flatMap((e) =>
      e.issues.map(
        (i) => `${t('imports.row')} ${e.label} (${e.kind} ${keyText(e)}) ${i.field}: ${issueText(t, i)}`,
      ),
    ),
  ];
}
