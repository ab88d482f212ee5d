-- The public verification page looks a certificate up by its number (the QR link names no ente) or by
-- the SHA-256 of an uploaded PDF, across enti: one index each, so neither scans the table.
create index certificates_number_idx on certificates (number);
create index certificates_pdf_sha256_idx on certificates (pdf_sha256) where pdf_sha256 is not null;
