import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgresServer.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the store tests (its `postgres` database; make your own). */
    postgresUrl: string;
  }
}

/** One real PostgreSQL for the whole run; each test file creates its own database in it. */
export default async function setup(project: TestProject) {
  const postgres = await startPostgres();
  project.provide('postgresUrl', postgres.url);
  return postgres.stop;
}
