/**
 * The Python that cross-checks and benchmark generators run: $SAT_PYTHON, by default Debian's
 * /usr/bin/python3, where its python3-* packages live (the python3 first on PATH may not see
 * them). No jest here, so the benchmarks can use it too.
 */
export const PYTHON = process.env.SAT_PYTHON || '/usr/bin/python3';
