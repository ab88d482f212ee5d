// The registry module: fiscal code rules, the population registry (a RegistrySource: local now, ANPR
// later) and the synthetic population seed.
export { isValidFiscalCode } from './fiscal-code.ts';
export { PopulationExistsError, seedPopulation, seedPopulationDemo } from './population.seed.ts';
export {
  REGISTRY_AREA,
  RegistryFrame,
  type RegistryTab,
  registryBase,
  registryScope,
} from './registry.backoffice-frame.tsx';
export { registryPages } from './registry.pages.tsx';
export {
  type RegistryCohabitation,
  type RegistryFamily,
  type RegistryPerson,
  type RegistryUnion,
  type Relationship,
  relationshipLabel,
} from './registry.schema.ts';
export {
  isSelfOrFamily,
  localRegistry,
  type RegistrySource,
  type RegistrySubject,
} from './registry.service.ts';
export {
  problemText as importProblemText,
  reportLines as importReportLines,
} from './registry-import.report.ts';
export { importRegistryFile } from './registry-import.ts';
