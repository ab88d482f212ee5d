// Test helpers of the registry import: a synthetic population (the generator's) written as import records,
// as a CSV file or a JSON document, and a multipart/form-data body as a browser sends a file upload.
import { randomUUID } from 'node:crypto';
import { generatePopulation } from './population.ts';
import { allComuni } from './population-data.ts';
import type { FamilyBundle } from './registry.schema.ts';
import { recordsCsv } from './registry-import-csv.ts';
import { JSON_ARRAYS } from './registry-import-format.ts';

/** The families of a synthetic population of a comune (by ISTAT code), without the demo citizens. */
export function population(istatCode: string, size: number, seed = 'import-test'): FamilyBundle[] {
  const comune = allComuni().find((c) => c.istatCode === istatCode)!;
  return [...generatePopulation({ enteId: randomUUID(), comune, size, seed })];
}

const clean = (cells: Record<string, string | null | undefined>) =>
  Object.fromEntries(
    Object.entries(cells).filter(([, v]) => v !== null && v !== undefined && v !== ''),
  ) as Record<string, string>;

/**
 * The import records of the families: each family's persons before the family itself and its bonds after,
 * so that the file only works if the import applies families first whatever the order.
 */
export function bundleRecords(bundles: FamilyBundle[]): Record<string, string>[] {
  return bundles.flatMap((b) => {
    const code = new Map(b.persons.map((p) => [p.id, p.fiscal_code]));
    const persons = b.persons.map((p) => {
      const member = b.members.find((m) => m.person_id === p.id);
      const citizenships = b.citizenships.filter((c) => c.person_id === p.id);
      return clean({
        tipo: 'persona',
        codice_fiscale: p.fiscal_code,
        cognome: p.surname,
        nome: p.given_name,
        sesso: p.sex,
        data_nascita: p.birth_date,
        luogo_nascita: p.birth_comune_code ?? p.birth_country_code,
        stato_civile: String(p.civil_status),
        data_morte: p.death_date,
        aire: p.aire ? 'si' : 'no',
        ...Object.fromEntries(
          citizenships.flatMap((c, i) => [
            [`cittadinanza_${i + 1}`, c.state_code],
            [`cittadinanza_${i + 1}_dal`, c.since],
          ]),
        ),
        codice_famiglia: member && b.family.family_code,
        relazione_parentela: member && String(member.relationship_code),
        ordine: member && String(member.member_order),
        data_decorrenza: member?.since,
      });
    });
    const f = b.family;
    const family = clean({
      tipo: 'famiglia',
      codice_famiglia: f.family_code,
      indirizzo: f.street,
      civico: f.civic_number,
      cap: f.postal_code,
      localita: f.locality,
      stato_estero: f.country_code,
      data_costituzione: f.established_on,
    });
    const unions = b.unions.map((u) =>
      clean({
        tipo: u.kind === 'marriage' ? 'matrimonio' : 'unione_civile',
        codice_fiscale: code.get(u.party1_id),
        codice_fiscale_2: code.get(u.party2_id),
        data_celebrazione: u.celebrated_on,
        luogo_celebrazione: u.place_code,
        data_fine: u.ended_on,
      }),
    );
    const contracts = b.cohabitations.map((c) =>
      clean({
        tipo: 'convivenza',
        codice_fiscale: code.get(c.party1_id),
        codice_fiscale_2: code.get(c.party2_id),
        data_stipula: c.signed_on,
        data_registrazione: c.registered_on,
        data_fine: c.ended_on,
      }),
    );
    return [...persons, family, ...unions, ...contracts];
  });
}

export const csvFile = (records: Record<string, string>[]) => Buffer.from(recordsCsv(records));

export function jsonFile(records: Record<string, string>[]): Buffer {
  const document = Object.fromEntries(
    JSON_ARRAYS.map(([name, kind]) => [
      name,
      records.filter((r) => r.tipo === kind).map(({ tipo: _, ...fields }) => fields),
    ]),
  );
  return Buffer.from(JSON.stringify(document));
}

/** A multipart/form-data body with text fields and one file. */
export function multipartBody(
  fields: Record<string, string>,
  file: { name: string; content: Buffer | string } | null,
) {
  const boundary = `----convergenza${randomUUID().replaceAll('-', '')}`;
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
