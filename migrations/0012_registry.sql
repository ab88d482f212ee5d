-- Population registry (issue 5): each comune's residents, their registered families (famiglia
-- anagrafica) with the relationship of each member to the head, marriages and civil unions, and
-- cohabitation contracts. Field names follow the ANPR data model (italia/anpr src/wsdl/comuni/tipoDato.xsd:
-- tipoGeneralita, tipoResidenza, tipoCittadinanza, tipoFamigliaConvivenza, tipoSoggettoFamiglia) and its
-- code tables (src/tab: Tabella 01 stato civile, Tabella 05 relazione di parentela), kept to what the
-- certificates need. Within an ente a person is found by fiscal code; rows refer to each other by uuid.

create table registry_persons (
  ente_id uuid not null references enti (id),
  id uuid not null,
  -- codiceFiscale.codFiscale: omocodia variants included.
  fiscal_code text not null check (fiscal_code ~ '^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$'),
  surname text not null check (length(surname) between 1 and 120),
  given_name text not null check (length(given_name) between 1 and 120),
  sex text not null check (sex in ('M', 'F')),
  birth_date date not null,
  -- luogoNascita: a comune (Belfiore code and name, province) or a foreign state (Z-code and name).
  birth_comune_code text check (birth_comune_code ~ '^[A-Z][0-9]{3}$' and birth_comune_code !~ '^Z'),
  birth_comune_name text,
  birth_province text check (birth_province ~ '^[A-Z]{2}$'),
  birth_country_code text check (birth_country_code ~ '^Z[0-9]{3}$'),
  birth_country_name text,
  -- ANPR Tabella 01: 1 celibe/nubile, 2 coniugato/a, 3 vedovo/a, 4 divorziato/a, 6 unito civilmente,
  -- 7 stato libero per decesso della parte unita, 8 stato libero per scioglimento dell'unione, 9 n.c.
  civil_status smallint not null check (civil_status in (1, 2, 3, 4, 6, 7, 8, 9)),
  death_date date check (death_date >= birth_date),
  -- soggettoAIRE: registered in the comune's AIRE (Italians resident abroad).
  aire boolean not null default false,
  created_at timestamptz not null default now(),
  primary key (ente_id, id),
  unique (ente_id, fiscal_code),
  check ((birth_comune_code is null) <> (birth_country_code is null)),
  check ((birth_comune_code is null) = (birth_comune_name is null)),
  check ((birth_country_code is null) = (birth_country_name is null))
);

-- tipoCittadinanza: one row per citizenship; the state by its ISTAT code (Italia = 100).
create table registry_citizenships (
  ente_id uuid not null,
  person_id uuid not null,
  state_code text not null check (state_code ~ '^[0-9]{3}$'),
  state_name text not null,
  since date,
  primary key (ente_id, person_id, state_code),
  foreign key (ente_id, person_id) references registry_persons (ente_id, id)
);

-- tipoFamigliaConvivenza + tipoResidenza: the family and its address. An AIRE family lives abroad:
-- country_code/country_name name the state and the address is the foreign one (localitaEstera).
create table registry_families (
  ente_id uuid not null references enti (id),
  id uuid not null,
  -- idFamigliaConvivenzaComune: the comune's own number of the family sheet.
  family_code text not null check (family_code ~ '^[0-9]{1,12}$'),
  aire boolean not null default false,
  street text not null check (length(street) between 1 and 200),
  civic_number text check (length(civic_number) <= 20),
  postal_code text check (length(postal_code) <= 12),
  locality text not null check (length(locality) between 1 and 120),
  country_code text check (country_code ~ '^Z[0-9]{3}$'),
  country_name text,
  -- dataOrigineFamigliaConvivenza
  established_on date,
  primary key (ente_id, id),
  unique (ente_id, family_code),
  check (aire = (country_code is not null)),
  check ((country_code is null) = (country_name is null))
);

-- tipoSoggettoFamiglia.legameSoggetto: a person is in one family; the head (intestatario scheda) is the
-- member with relationship 1, at most one per family. ANPR Tabella 05 codes: 1 intestatario, 2 marito/
-- moglie, 3 figlio/figlia, 4 nipote (discendente), 6 padre/madre, 7 nonno/nonna, 9 fratello/sorella,
-- 16 genero/nuora, 17 suocero/suocera, 23 convivente, 28 unito civilmente, 99 non definito, …
create table registry_family_members (
  ente_id uuid not null,
  person_id uuid not null,
  family_id uuid not null,
  relationship_code smallint not null check (relationship_code between 1 and 99),
  -- progressivoComponente: the member's order on the family sheet (the head first).
  member_order smallint not null check (member_order between 1 and 99),
  -- dataDecorrenza of the relationship in this family.
  since date,
  primary key (ente_id, person_id),
  unique (ente_id, family_id, member_order),
  foreign key (ente_id, person_id) references registry_persons (ente_id, id),
  foreign key (ente_id, family_id) references registry_families (ente_id, id)
);
create unique index registry_family_members_head_idx on registry_family_members (ente_id, family_id)
  where relationship_code = 1;

-- Marriages and civil unions (tipoDatiEvento): the two parties, date and place; ended by death,
-- divorce or dissolution.
create table registry_unions (
  ente_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('marriage', 'civil_union')),
  party1_id uuid not null,
  party2_id uuid not null,
  celebrated_on date not null,
  -- A comune (Belfiore code) or a foreign state (Z-code), and its name.
  place_code text not null check (place_code ~ '^[A-Z][0-9]{3}$'),
  place_name text not null,
  ended_on date check (ended_on >= celebrated_on),
  end_reason text check (end_reason in ('death', 'divorce', 'dissolution')),
  primary key (ente_id, id),
  foreign key (ente_id, party1_id) references registry_persons (ente_id, id),
  foreign key (ente_id, party2_id) references registry_persons (ente_id, id),
  check (party1_id <> party2_id),
  check ((ended_on is null) = (end_reason is null))
);
create index registry_unions_party1_idx on registry_unions (ente_id, party1_id);
create index registry_unions_party2_idx on registry_unions (ente_id, party2_id);

-- Cohabitation contracts (contratto di convivenza, L. 76/2016 art. 1 c. 50): registered by the comune.
create table registry_cohabitations (
  ente_id uuid not null,
  id uuid not null,
  party1_id uuid not null,
  party2_id uuid not null,
  signed_on date not null,
  registered_on date not null check (registered_on >= signed_on),
  ended_on date check (ended_on >= signed_on),
  primary key (ente_id, id),
  foreign key (ente_id, party1_id) references registry_persons (ente_id, id),
  foreign key (ente_id, party2_id) references registry_persons (ente_id, id),
  check (party1_id <> party2_id)
);
create index registry_cohabitations_party1_idx on registry_cohabitations (ente_id, party1_id);
create index registry_cohabitations_party2_idx on registry_cohabitations (ente_id, party2_id);

alter table registry_persons enable row level security;
create policy tenant_isolation on registry_persons to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on registry_persons to convergenza_app;

alter table registry_citizenships enable row level security;
create policy tenant_isolation on registry_citizenships to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update, delete on registry_citizenships to convergenza_app;

alter table registry_families enable row level security;
create policy tenant_isolation on registry_families to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on registry_families to convergenza_app;

alter table registry_family_members enable row level security;
create policy tenant_isolation on registry_family_members to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update, delete on registry_family_members to convergenza_app;

alter table registry_unions enable row level security;
create policy tenant_isolation on registry_unions to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on registry_unions to convergenza_app;

alter table registry_cohabitations enable row level security;
create policy tenant_isolation on registry_cohabitations to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on registry_cohabitations to convergenza_app;
