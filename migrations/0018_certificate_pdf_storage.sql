-- A sealed PDF is already compressed (its streams are deflated): stored out of line without PostgreSQL
-- trying to compress it again (pglz would spend CPU on each insert and keep the original anyway).
alter table certificates alter column pdf set storage external;
