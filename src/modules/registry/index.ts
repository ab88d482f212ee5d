// The registry module (begun): its public rules. The population register itself arrives later.
export { isValidFiscalCode } from './fiscal-code.ts';
