/**
 * @boucle/shared: the pure domain logic of Boucle. Everything here takes plain data and returns
 * plain data, never reads a clock (callers pass `now`), the environment or a random source, and
 * runs alike in the server, the Salesforce LWC bundle (`c/npsCore`) and the HubSpot cards. The zod
 * schemas of the public contracts are in `@boucle/shared/schemas`.
 */
export { DomainError } from './errors.ts';
export * from './nps/metrics.ts';
export * from './nps/stats.ts';
export * from './nps/groups.ts';
export * from './nps/display.ts';
export * from './nps/weighted.ts';
export * from './nps/norm.ts';
export * from './nps/versusNorm.ts';
export * from './nps/accountSummary.ts';
export * from './thresholds/kinds.ts';
export * from './thresholds/businessHours.ts';
export * from './thresholds/evaluate.ts';
export * from './thresholds/defaults.ts';
export * from './callbacks/states.ts';
export * from './callbacks/stateMachine.ts';
export * from './callbacks/readBack.ts';
export * from './callbacks/convergence.ts';
export * from './callbacks/sla.ts';
export * from './callbacks/loopClosure.ts';
export * from './dissonance/classify.ts';
export * from './pressure/decide.ts';
export * from './time/zone.ts';
export * from './journey/touchpoints.ts';
export * from './journey/validate.ts';
export * from './journey/targets.ts';
export * from './journey/steps.ts';
export * from './journey/unknown.ts';
export * from './themes/rank.ts';
