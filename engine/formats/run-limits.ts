/**
 * Runs a project keeps, and epochs each run's history keeps (an overview of longer runs): the runs'
 * series stay well within the values a file may hold (FILE_LIMITS.values) next to the project's weights.
 * A module of its own so that the window can read them without the schemas.
 */
export const RUN_LIMITS = { runs: 200, epochs: 4096, idLength: 64 } as const;
