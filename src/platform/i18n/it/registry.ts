// Italian texts of the population registry: back office and imports.
export const registry = {
  'registry.import.lead':
    'Carica il file CSV o JSON esportato dal gestionale anagrafico: famiglie, persone, matrimoni, unioni civili e contratti di convivenza. I dati già presenti vengono aggiornati, niente viene importato due volte.',
  'registry.import.file': 'File da importare (CSV o JSON)',
  'registry.import.hint':
    'Al massimo 64 MB e 500.000 record; per un comune più grande dividi il file (prima le famiglie, poi le persone).',
  'registry.import.template': 'Scarica il modello CSV',
  'registry.import.counts':
    '{created} nuovi, {updated} aggiornati, {unchanged} invariati, {errors} con errori',
  'registry.import.progress': '{done} record elaborati su {total} ({percent}%)',
  'registry.import.sameFile':
    'Questo stesso file era già stato importato il {when}: i dati già presenti restano invariati.',
  'registry.import.created': 'Record nuovi',
  'registry.import.updated': 'Record aggiornati',
  'registry.import.unchanged': 'Record invariati',
  'registry.import.failed': 'Record con errori',
  'registry.import.errors': 'Record con errori',
  'registry.import.errorsTruncated':
    'Sono mostrati i primi {shown} record con errori: l’elenco completo è nel file CSV.',
  'registry.import.kind': 'Tipo',
  'registry.import.key': 'Record',
  'registry.import.file.noFile': 'Scegli un file CSV o JSON da importare.',
  'registry.import.file.empty': 'Il file è vuoto o non ha record.',
  'registry.import.file.notText':
    'Il file non è un CSV né un JSON: esporta i dati dal gestionale come testo CSV (per esempio da un foglio di calcolo con «Salva come CSV») o JSON.',
  'registry.import.file.malformed':
    'Il file CSV non è leggibile alla riga {line}: manca una virgoletta di chiusura?',
  'registry.import.file.notJson':
    'Il documento JSON non è valido ({detail}): deve essere un oggetto con gli array famiglie, persone, matrimoni, unioni_civili e convivenze, fatti di oggetti con valori semplici.',
  'registry.import.file.missingColumns': 'Mancano le colonne obbligatorie: {columns}.',
  'registry.import.file.unknownColumns': 'Colonne sconosciute: {columns}. Usa i nomi del modello.',
  'registry.import.file.duplicateColumns': 'Colonne ripetute: {columns}.',
  'registry.import.file.tooManyRows':
    'Il file ha più di {max} record: dividilo in più file (prima le famiglie, poi le persone, poi i legami).',
  'registry.import.file.tooLarge': 'Il file supera i {mb} MB: dividilo in più file.',
  'registry.import.rule.required': 'Il valore è obbligatorio.',
  'registry.import.rule.tooLong': 'Il testo è troppo lungo.',
  'registry.import.rule.kind':
    'Tipo di record sconosciuto: scrivi famiglia, persona, matrimonio, unione_civile o convivenza.',
  'registry.import.rule.notForKind': 'Questa colonna non si usa per questo tipo di record: lasciala vuota.',
  'registry.import.rule.columns':
    'La riga ha più celle dell’intestazione: un separatore dentro un testo senza virgolette?',
  'registry.import.rule.fiscalCode':
    'Non è un codice fiscale valido: 16 caratteri con il carattere di controllo corretto.',
  'registry.import.rule.date': 'Non è una data: scrivi per esempio 31/12/1980 o 1980-12-31.',
  'registry.import.rule.futureDate': 'La data è nel futuro.',
  'registry.import.rule.dateOrder': 'La data non può precedere quella della colonna {other}.',
  'registry.import.rule.sex': 'Il sesso è M o F.',
  'registry.import.rule.place':
    'Non è il codice catastale (Belfiore) di un comune italiano né il codice Z di uno stato estero conosciuto.',
  'registry.import.rule.country': 'Non è il codice Z di uno stato estero conosciuto.',
  'registry.import.rule.citizenship':
    'Non è il codice ISTAT di uno stato conosciuto (Italia = 100) né il suo codice Z.',
  'registry.import.rule.citizenshipTwice': 'La stessa cittadinanza è indicata due volte.',
  'registry.import.rule.civilStatus': 'Stato civile sconosciuto: usa i codici ANPR 1, 2, 3, 4, 6, 7, 8 o 9.',
  'registry.import.rule.relationship':
    'Relazione di parentela sconosciuta: usa i codici della tabella ANPR 5 (1 = intestatario scheda).',
  'registry.import.rule.familyCode': 'Il codice della famiglia è fatto di sole cifre, al massimo 12.',
  'registry.import.rule.yesNo': 'Scrivi sì o no.',
  'registry.import.rule.order': 'Il posto nella scheda di famiglia è un numero da 1 a 99.',
  'registry.import.rule.endReason': 'Il motivo della fine è decesso, divorzio o scioglimento.',
  'registry.import.rule.sameParty': 'Le due parti sono la stessa persona.',
  'registry.import.rule.duplicate': 'Lo stesso record è già alla riga {other}: questo non è stato importato.',
  'registry.import.rule.familyUnknown': 'Nessuna famiglia con questo codice nel file né nel registro.',
  'registry.import.rule.personUnknown': 'Nessuna persona con questo codice fiscale nel file né nel registro.',
  'registry.import.rule.headTaken': 'La famiglia ha già un intestatario scheda.',
  'registry.import.rule.orderTaken': 'Questo posto nella scheda di famiglia è già di un’altra persona.',
  'registry.import.rule.aireMismatch':
    'Non corrisponde alla famiglia: è iscritto all’AIRE chi appartiene a una famiglia residente all’estero.',
  'registry.import.rule.unexpected': 'Non è stato possibile importare il record.',
  'registry.bo.title': 'Anagrafe',
  'registry.bo.tab.counter': 'Rilascio allo sportello',
  'registry.bo.tab.issued': 'Certificati rilasciati',
  'registry.bo.tab.imports': 'Importazione anagrafe',
} as const;
