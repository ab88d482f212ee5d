// English texts of the population registry: back office and imports.
import type { registry as it } from '../it/registry.ts';

export const registry: Record<keyof typeof it, string> = {
  'registry.import.lead':
    'Upload the CSV or JSON file exported from the registry software: families, persons, marriages, civil unions and cohabitation contracts. Data already present are updated; nothing is imported twice.',
  'registry.import.file': 'File to import (CSV or JSON)',
  'registry.import.hint':
    'At most 64 MB and 500,000 records; for a larger comune split the file (families first, then persons).',
  'registry.import.template': 'Download the CSV template',
  'registry.import.counts': '{created} new, {updated} updated, {unchanged} unchanged, {errors} with errors',
  'registry.import.progress': '{done} of {total} records processed ({percent}%)',
  'registry.import.sameFile':
    'This same file was already imported on {when}: data already present stay unchanged.',
  'registry.import.created': 'New records',
  'registry.import.updated': 'Updated records',
  'registry.import.unchanged': 'Unchanged records',
  'registry.import.failed': 'Records with errors',
  'registry.import.errors': 'Records with errors',
  'registry.import.errorsTruncated':
    'The first {shown} records with errors are shown: the full list is in the CSV file.',
  'registry.import.kind': 'Kind',
  'registry.import.key': 'Record',
  'registry.import.file.noFile': 'Choose a CSV or JSON file to import.',
  'registry.import.file.empty': 'The file is empty or has no records.',
  'registry.import.file.notText':
    'The file is neither CSV nor JSON: export the data from the registry software as CSV text (for instance "Save as CSV" in a spreadsheet) or JSON.',
  'registry.import.file.malformed': 'The CSV file cannot be read at line {line}: a closing quote missing?',
  'registry.import.file.notJson':
    'The JSON document is not valid ({detail}): it must be an object with the arrays famiglie, persone, matrimoni, unioni_civili and convivenze, made of objects with plain values.',
  'registry.import.file.missingColumns': 'Required columns missing: {columns}.',
  'registry.import.file.unknownColumns': 'Unknown columns: {columns}. Use the names of the template.',
  'registry.import.file.duplicateColumns': 'Repeated columns: {columns}.',
  'registry.import.file.tooManyRows':
    'The file has more than {max} records: split it into several files (families first, then persons, then bonds).',
  'registry.import.file.tooLarge': 'The file is larger than {mb} MB: split it into several files.',
  'registry.import.rule.required': 'A value is required.',
  'registry.import.rule.tooLong': 'The text is too long.',
  'registry.import.rule.kind':
    'Unknown kind of record: write famiglia, persona, matrimonio, unione_civile or convivenza.',
  'registry.import.rule.notForKind': 'This column is not used for this kind of record: leave it empty.',
  'registry.import.rule.columns': 'The row has more cells than the header: a separator inside unquoted text?',
  'registry.import.rule.fiscalCode': 'Not a valid fiscal code: 16 characters with the right check character.',
  'registry.import.rule.date': 'Not a date: write for instance 31/12/1980 or 1980-12-31.',
  'registry.import.rule.futureDate': 'The date is in the future.',
  'registry.import.rule.dateOrder': 'The date cannot be earlier than the one in column {other}.',
  'registry.import.rule.sex': 'Sex is M or F.',
  'registry.import.rule.place':
    'Neither the cadastral (Belfiore) code of an Italian comune nor the Z-code of a known foreign state.',
  'registry.import.rule.country': 'Not the Z-code of a known foreign state.',
  'registry.import.rule.citizenship': 'Neither the ISTAT code of a known state (Italy = 100) nor its Z-code.',
  'registry.import.rule.citizenshipTwice': 'The same citizenship is given twice.',
  'registry.import.rule.civilStatus': 'Unknown civil status: use the ANPR codes 1, 2, 3, 4, 6, 7, 8 or 9.',
  'registry.import.rule.relationship':
    'Unknown relationship: use the codes of ANPR table 5 (1 = head of the family sheet).',
  'registry.import.rule.familyCode': 'The family number is made of digits only, at most 12.',
  'registry.import.rule.yesNo': 'Write yes (si) or no.',
  'registry.import.rule.order': 'The place on the family sheet is a number from 1 to 99.',
  'registry.import.rule.endReason': 'The reason of the end is decesso, divorzio or scioglimento.',
  'registry.import.rule.sameParty': 'Both parties are the same person.',
  'registry.import.rule.duplicate': 'The same record is already at row {other}: this one was not imported.',
  'registry.import.rule.familyUnknown': 'No family with this number in the file or in the registry.',
  'registry.import.rule.personUnknown': 'No person with this fiscal code in the file or in the registry.',
  'registry.import.rule.headTaken': 'The family already has a head of the family sheet.',
  'registry.import.rule.orderTaken': 'This place on the family sheet belongs to another person.',
  'registry.import.rule.aireMismatch':
    'Does not match the family: people in AIRE are those whose family lives abroad.',
  'registry.import.rule.unexpected': 'The record could not be imported.',
  'registry.bo.title': 'Registry office',
  'registry.bo.tab.counter': 'Counter issuing',
  'registry.bo.tab.issued': 'Issued certificates',
  'registry.bo.tab.imports': 'Registry import',
};
