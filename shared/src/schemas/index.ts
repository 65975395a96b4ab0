/**
 * zod schemas of Boucle's public contracts, one per contract. Every error message names the field
 * (see {@link toFieldIssues}). This is the only part of `@boucle/shared` that depends on zod at run
 * time; the domain modules import only the types.
 */
export * from './issues.ts';
export * from './common.ts';
export * from './answer.ts';
export * from './rating.ts';
export * from './threshold.ts';
export * from './callback.ts';
export * from './settings.ts';
export * from './answerFile.ts';
export * from './touchpoint.ts';
export * from './insights.ts';
